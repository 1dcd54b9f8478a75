import type { MiddlewareHandler } from "hono";
import { appActor, registry } from "../../../core/actors.ts";
import type { AppEnv } from "../../lib/context.ts";
import { clientIp } from "../../lib/auth/ip.ts";
import { describeError, log } from "../../../core/log.ts";

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const APP_PATH = /^\/api\/v1\/apps\/([a-z0-9][a-z0-9-]{1,30}[a-z0-9])(?:\/|$)/;
/** Machine traffic (LiveKit's webhooks, the relay sidecar's reports) is not a person's action; it would drown the log. */
const NOT_AUDITED = /^\/api\/v1\/(webhooks|relays)(\/|$)/;

/**
 * Records every mutating API call — who, what, when, from where, and how it
 * ended — in the global audit log and, for an app's routes, in that app's own
 * database. Written before the response leaves (mutations are rare, and a
 * caller that reads the log next must find its own call there), but a failure
 * to write never fails the call. Bodies are never recorded (they may hold secrets).
 */
export const audit = (): MiddlewareHandler<AppEnv> =>
  async function audit(c, next) {
    await next();
    if (!MUTATING.has(c.req.method) || NOT_AUDITED.test(c.req.path)) return;
    const auth = c.get("auth");
    const app = APP_PATH.exec(c.req.path)?.[1] ?? null;
    const entry = {
      ts: new Date().toISOString(),
      actor: auth?.userId ?? "anonymous",
      via: auth?.via ?? null,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ip: await clientIp(c, c.var.config),
      requestId: c.var.requestId,
    };
    const tenantId = c.get("app")?.tenantId ?? auth?.tenantId ?? null;
    try {
      await registry(c.env).appendAudit({ ...entry, tenantId, app });
      // Only apps that exist (and that the caller reached) get a row in their own database.
      if (app && c.get("app") && c.res.status < 500 && !(c.req.method === "DELETE" && c.req.path === `/api/v1/apps/${app}`)) {
        await appActor(c.env, app).appendAudit(entry);
      }
    } catch (error) {
      log("error", "could not write the audit log", { requestId: c.var.requestId, ...describeError(error) });
    }
  };
