import { createRoute, z } from "@hono/zod-openapi";
import type { AppRecord } from "../../../../durable/registry/apps.repo.ts";
import { appActor, registry } from "../../../../core/actors.ts";
import { PERMISSION_EXTENSION, type App } from "../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse, ok } from "../../../lib/envelope.ts";
import { ApiError } from "../../../lib/errors.ts";
import { toLiveKitEvent } from "../../../../core/livekit.ts";
import { livekit } from "../../../lib/livekit.ts";
import { describeError, log } from "../../../../core/log.ts";
import { startRecording } from "../../../lib/recording.ts";

const route = createRoute({
  method: "post",
  path: "/livekit",
  tags: ["livekit"],
  summary: "LiveKit's webhooks",
  description:
    "LiveKit posts its events here (point `webhook.urls` of livekit.yaml at it). The `Authorization` header must be LiveKit's signed token for this exact body; anything else is 401. Once verified the answer is always 200; a repeated event id changes nothing.",
  security: [],
  [PERMISSION_EXTENSION]: "livekit-signature",
  responses: {
    200: { description: "Received", content: { "application/json": { schema: envelopeSchema(z.object({ received: z.literal(true) })) } } },
    401: errorResponse("Not signed by this node's LiveKit, stale, or the body does not match"),
    503: errorResponse("LiveKit is not configured"),
    413: commonErrorResponses[413],
    415: commonErrorResponses[415],
  },
});

// Room prefixes change rarely; a short cache keeps a busy room's webhooks off the Registry.
const ROOM_CACHE_MS = 10_000;
const roomApps = new Map<string, { app: AppRecord | null; until: number }>();

async function appForRoom(env: Env, room: string): Promise<AppRecord | null> {
  const cached = roomApps.get(room);
  if (cached && cached.until > Date.now()) return cached.app;
  const app = await registry(env).appForRoom(room);
  if (roomApps.size > 10_000) roomApps.clear();
  roomApps.set(room, { app, until: Date.now() + ROOM_CACHE_MS });
  return app;
}

export const registerLiveKitWebhook = (app: App) =>
  app.openapi(route, async (c) => {
    const lk = livekit(c.var.config);
    const body = await c.req.text();
    let received;
    try {
      received = await lk.receiver.receive(body, c.req.header("Authorization") ?? "");
    } catch {
      throw new ApiError("unauthorized", "not a webhook signed by this node's LiveKit");
    }
    const event = toLiveKitEvent(received);
    const room = event.room?.name || event.ingress?.roomName || event.egress?.roomName;
    const target = room ? await appForRoom(c.env, room) : null;
    if (target) {
      const actor = appActor(c.env, target.name);
      const { duplicate, startedRooms } = await actor.handleLiveKitEvent(event);
      if (duplicate) log("info", "livekit webhook repeated; ignored", { requestId: c.var.requestId, eventId: event.id, event: event.event });
      // An RTMP publisher that did not prove the ingress's password is cut off: the ingress is deleted.
      if (!duplicate && event.event === "ingress_started" && event.ingress && !(await actor.admitIngressStart(event.ingress.ingressId))) {
        try {
          await livekit(c.var.config).ingress.deleteIngress(event.ingress.ingressId);
        } catch (error) {
          log("error", "could not delete an unauthorized ingress", { requestId: c.var.requestId, ingressId: event.ingress.ingressId, ...describeError(error) });
        }
        await actor.removeIngress(event.ingress.ingressId);
      }
      if (target.settings.autoRecord) {
        for (const startedRoom of startedRooms) {
          if (await actor.activeRecordingFor(startedRoom)) continue;
          try {
            await startRecording(c, target, { roomName: startedRoom });
          } catch (error) {
            // LiveKit must still get its 200: a refused auto-record (quota, no bucket) is logged, not retried by LiveKit.
            log("warn", "auto-record did not start", { requestId: c.var.requestId, app: target.name, room: startedRoom, ...describeError(error) });
          }
        }
      }
    } else {
      log("info", "livekit webhook for no known app", { requestId: c.var.requestId, event: event.event, room: room ?? null });
    }
    return ok(c, { received: true as const });
  });
