import { z } from "@hono/zod-openapi";
import pkg from "../../../../package.json" with { type: "json" };
import { registry } from "../../../../core/actors.ts";
import { publicRoute, type App } from "../../../lib/app.ts";
import { envelopeSchema, ok } from "../../../lib/envelope.ts";
import { livekitReachable } from "../../../lib/livekit-probe.ts";
import { describeError, log } from "../../../../core/log.ts";
import { livekitClients } from "../../../../core/livekit.ts";

const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]).openapi({ description: "`degraded` when storage does not answer, or the configured LiveKit does not" }),
    reasons: z.array(z.string()).openapi({ description: "Why it is degraded, one line per cause (empty when ok)", example: ["the configured LiveKit (LIVEKIT_URL) does not answer (the connection was refused)"] }),
    up: z.literal(true),
    version: z.string(),
    ts: z.string().openapi({ description: "Server time, ISO 8601" }),
    uptimeSeconds: z.number().int(),
    storage: z.object({ ok: z.boolean() }),
    livekit: z.object({
      configured: z.boolean().openapi({ description: "LIVEKIT_API_KEY and LIVEKIT_API_SECRET are set" }),
      reachable: z.boolean(),
      reason: z.string().nullable().openapi({ description: "Why it is not reachable" }),
      checkedAt: z.string().openapi({ description: "When LiveKit was last asked (at most every 5 s)" }),
    }),
  })
  .openapi("Health");

export const healthRoute = publicRoute({
  method: "get",
  path: "/",
  tags: ["system"],
  summary: "Liveness and dependency status",
  description:
    "Public. Always answers 200 while the Worker runs; storage and LiveKit problems show in the body: `status` is `degraded`, with one line per cause in `reasons`, when actor storage or the configured LiveKit does not answer. LiveKit is asked at most every 5 s, storage at most once a second.",
  responses: { 200: { description: "Status", content: { "application/json": { schema: envelopeSchema(HealthSchema) } } } },
});

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

export const registerHealthGet = (app: App) =>
  app.openapi(healthRoute, async (c) => {
    startedAt ??= Date.now();
    const configured = livekitClients(c.get("config")) !== null;
    const [storage, livekit] = await Promise.all([storageOk(c.env, c.get("requestId")), livekitReachable(c.get("config").LIVEKIT_URL, configured)]);
    const reasons = [...(storage ? [] : ["actor storage does not answer"]), ...(configured && livekit.reason ? [livekit.reason] : [])];
    return ok(c, {
      status: reasons.length === 0 ? ("ok" as const) : ("degraded" as const),
      reasons,
      up: true as const,
      version: pkg.version,
      ts: new Date().toISOString(),
      uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
      storage: { ok: storage },
      livekit: { configured, reachable: livekit.reachable, reason: livekit.reason, checkedAt: new Date(livekit.checkedAt).toISOString() },
    });
  });
