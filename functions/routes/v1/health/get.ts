import type { Hono } from "hono";
import pkg from "../../../../package.json" with { type: "json" };
import { registry } from "../../../../core/actors.ts";
import type { AppEnv } from "../../../lib/context.ts";
import { ok } from "../../../lib/envelope.ts";
import type { Health } from "./schema.ts";
import { livekitReachable } from "../../../lib/livekit-probe.ts";
import { describeError, log } from "../../../../core/log.ts";
import { livekitClients } from "../../../../core/livekit.ts";

// Workers freeze the clock at module scope, so uptime starts at the first request this isolate serves.
let startedAt: number | undefined;

/**
 * Whether actor storage answers, asked of the Registry at most once a second,
 * and once for every request that finds the answer stale meanwhile: health is
 * polled by load balancers and monitors, and each poll must not be a call into
 * the one global actor.
 */
const STORAGE_PROBE_TTL_MS = 1_000;
let storageProbe: { ok: boolean; checkedAt: number } | undefined;
let storageAsking: Promise<boolean> | undefined;

async function askStorage(env: Env, requestId: string): Promise<boolean> {
  let ok = false;
  try {
    ok = (await registry(env).health()).ok;
  } catch (error) {
    log("error", "health: registry storage check failed", { requestId, ...describeError(error) });
  }
  storageProbe = { ok, checkedAt: Date.now() };
  return ok;
}

function storageOk(env: Env, requestId: string): Promise<boolean> | boolean {
  if (storageProbe && Date.now() - storageProbe.checkedAt < STORAGE_PROBE_TTL_MS) return storageProbe.ok;
  // Callers that come while it is asked share the answer (all within this isolate).
  storageAsking ??= askStorage(env, requestId).finally(() => {
    storageAsking = undefined;
  });
  return storageAsking;
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
