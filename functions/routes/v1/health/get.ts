import type { Hono } from "hono";
import pkg from "../../../../package.json" with { type: "json" };
import { registry } from "../../../../core/actors.ts";
import type { AppEnv } from "../../../lib/context.ts";
import { ok } from "../../../lib/envelope.ts";
import type { Health } from "./schema.ts";
import { livekitReachable } from "../../../lib/livekit-probe.ts";
import { SharedAnswer } from "../../../lib/shared-answer.ts";
import { describeError, log } from "../../../../core/log.ts";
import { livekitClients } from "../../../../core/livekit.ts";

// Workers freeze the clock at module scope, so uptime starts at the first request this isolate serves.
let startedAt: number | undefined;

/**
 * Whether actor storage answers, asked of the Registry at most once a second
 * (health is polled by load balancers and monitors, and each poll must not be
 * a call into the one global actor); while one request asks, the others get
 * the last answer (lib/shared-answer.ts). A call older than 5 s belongs to a
 * cancelled request and no longer holds the others back.
 */
const storage = new SharedAnswer<boolean>(1_000, 5_000);

export function storageOk(env: Env, requestId: string): Promise<boolean> {
  return storage.get(async () => {
    try {
      return (await registry(env).health()).ok;
    } catch (error) {
      log("error", "health: registry storage check failed", { requestId, ...describeError(error) });
      return false;
    }
  });
}

/** The answer; its OpenAPI description is `healthRoute` (./schema.ts), kept off this path. */
export const registerHealthGet = (app: Hono<AppEnv>) =>
  app.get("/", async (c) => {
    startedAt ??= Date.now();
    const configured = livekitClients(c.get("config")) !== null;
    const [storage, livekit] = await Promise.all([storageOk(c.env, c.get("requestId")), livekitReachable(c.get("config").LIVEKIT_URL, configured)]);
    const reasons = [...(storage ? [] : ["actor storage does not answer"]), ...(configured && livekit.reason ? [livekit.reason] : [])];
    return ok<Health>(c, {
      status: reasons.length === 0 ? "ok" : "degraded",
      reasons,
      up: true,
      version: pkg.version,
      ts: new Date().toISOString(),
      uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
      storage: { ok: storage },
      livekit: { configured, reachable: livekit.reachable, reason: livekit.reason, checkedAt: new Date(livekit.checkedAt).toISOString() },
    });
  });
