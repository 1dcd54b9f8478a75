import type { Context, MiddlewareHandler, Next } from "hono";
import { appActor, registry } from "../../../core/actors.ts";
import { describeError, log } from "../../../core/log.ts";
import { clientIp } from "../../lib/auth/ip.ts";
import type { AppEnv } from "../../lib/context.ts";

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/**
 * Machine traffic (LiveKit's webhooks, the relay sidecar's reports, cluster agents' heartbeats) is
 * not a person's action; it would drown the log. A node joining the cluster is audited.
 */
const NOT_AUDITED = /^\/api\/v1\/(webhooks|relays|cluster\/heartbeat)(\/|$)/;
/** Players' quality-of-experience reports: anonymous machine traffic that must leave no address behind. */
const QOE_REPORTS = /^\/api\/v1\/apps\/[^/]+\/qoe\/?$/;
/** Join tokens are machine traffic too: counted per day by the app, audited row by row only if the app asks (`auditTokens`). */
const JOIN_TOKENS = /^\/api\/v1\/apps\/[^/]+\/tokens\/?$/;

/**
 * Records every mutating API call — who, what, when, from where, and how it
 * ended. A call on an app that exists is written to that app's own database
 * (one write in the app's actor, which forwards it to the global log in the
 * background, durably); anything else goes to the global log in the Registry.
 * So no app's calls queue behind another's, and the one global actor is not
 * written per request. Written before the response leaves — a caller that
 * reads its app's log next finds its own call there (the global view follows
 * within moments) — but a failure to write never fails the call. Bodies are
 * never recorded (they may hold secrets).
 */
export const audit = (): MiddlewareHandler<AppEnv> =>
  // Reads pass straight through, without an async layer of their own (most API traffic).
  function audit(c, next) {
    return MUTATING.has(c.req.method) ? recorded(c, next) : next();
  };

/** A mutating call: answered first, then written to the audit log (see audit). */
async function recorded(c: Context<AppEnv>, next: Next): Promise<void> {
  await next();
  if (NOT_AUDITED.test(c.req.path) || QOE_REPORTS.test(c.req.path)) return;
  const app = c.get("app");
  // A refused mint (403, 429, 400) is not routine traffic: it is audited.
  if (c.req.method === "POST" && JOIN_TOKENS.test(c.req.path) && c.res.status < 300 && app && !app.settings.auditTokens) return;
  const auth = c.get("auth");
  const entry = {
    ts: new Date().toISOString(),
    actor: auth?.userId ?? "anonymous",
    via: auth?.via ?? null,
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    ip: clientIp(c, c.get("config")),
    requestId: c.get("requestId"),
  };
  const global = () => registry(c.env).appendAudit({ ...entry, tenantId: app?.tenantId ?? auth?.tenantId ?? null, app: app?.name ?? appNameIn(c.req.path) });
  try {
    // Only apps that exist (and that the caller reached) keep the row; a deleted app's database is gone.
    const appKeepsIt = app && c.res.status < 500 && !(c.req.method === "DELETE" && c.req.path.replace(/\/$/, "") === `/api/v1/apps/${app.name}`);
    if (!appKeepsIt) return await global();
    try {
      await appActor(c.env, app.name).appendAudit(entry);
    } catch (error) {
      // The app could not take it (deleted meanwhile, or failing): the global log does.
      log("warn", "the app did not take its audit row; writing it to the global log", { requestId: c.get("requestId"), ...describeError(error) });
      await global();
    }
  } catch (error) {
    log("error", "could not write the audit log", { requestId: c.get("requestId"), ...describeError(error) });
  }
}

const appNameIn = (path: string) => /^\/api\/v1\/apps\/([a-z0-9][a-z0-9-]{1,30}[a-z0-9])(?:\/|$)/.exec(path)?.[1] ?? null;
