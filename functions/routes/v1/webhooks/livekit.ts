import { createRoute } from "@hono/zod-openapi";
import { appActor } from "../../../../core/actors.ts";
import { appForRoom } from "../../../lib/app-records.ts";
import { PERMISSION_EXTENSION, type App } from "../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../lib/schemas.ts";
import { ok } from "../../../lib/envelope.ts";
import { ApiError } from "../../../lib/errors.ts";
import { receiveWebhook } from "../../../../core/livekit.ts";
import { livekit } from "../../../lib/livekit.ts";
import { log } from "../../../../core/log.ts";
import { ReceivedSchema } from "./schema.ts";

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
    200: { description: "Received", content: { "application/json": { schema: envelopeSchema(ReceivedSchema) } } },
    401: errorResponse("Not signed by this node's LiveKit, stale, or the body does not match"),
    503: errorResponse("LiveKit is not configured"),
    413: commonErrorResponses[413],
    415: commonErrorResponses[415],
  },
});

export const registerLiveKitWebhook = (app: App) =>
  app.openapi(route, async (c) => {
    const lk = livekit(c.get("config"));
    const body = await c.req.text();
    // The JSON check (middleware/json-body) has parsed the body: the event is read from that.
    const event = await receiveWebhook(lk, body, c.req.header("Authorization") ?? "", c.get("jsonBody"));
    if (!event) throw new ApiError("unauthorized", "not a webhook signed by this node's LiveKit");
    const room = event.room?.name || event.ingress?.roomName || event.egress?.roomName;
    const target = room ? await appForRoom(c.env, room) : null;
    if (target) {
      // One call: the actor applies the event, cuts off an RTMP start without a
      // validated password, and starts auto-record where a stream began.
      const { duplicate } = await appActor(c.env, target.name).handleLiveKitEvent(event, {
        autoRecord: target.settings.autoRecord === true,
        recordingEnabled: target.settings.recordingEnabled !== false,
      });
      if (duplicate) log("info", "livekit webhook repeated; ignored", { requestId: c.get("requestId"), eventId: event.id, event: event.event });
    } else {
      log("info", "livekit webhook for no known app", { requestId: c.get("requestId"), event: event.event, room: room ?? null });
    }
    return ok(c, { received: true as const });
  });
