import { z } from "@hono/zod-openapi";
import { randomBytes, toHex } from "../../../../core/crypto/encoding.ts";
import { admitPlayToken, countToken } from "../../../lib/token-traffic.ts";
import { appRecord } from "../../../lib/app-records.ts";
import { publicAppRoute, type App } from "../../../lib/app.ts";
import { clientIp } from "../../../lib/auth/ip.ts";
import { envelopeSchema, errorResponse } from "../../../lib/schemas.ts";
import { ok } from "../../../lib/envelope.ts";
import { ApiError } from "../../../lib/errors.ts";
import { featuresOf } from "../../../lib/features.ts";
import { mintAccessToken, namespacedRoom, PUBLIC_VIEWER_ATTRIBUTES } from "../../../../core/livekit.ts";
import { livekit } from "../../../lib/livekit.ts";
import { clientWsUrl } from "../../../lib/cluster-nodes.ts";
import { APP_NAME, ROOM } from "./schema.ts";

const PLAY_TTL_SECONDS = 6 * 3600;

const PlayTokenSchema = z
  .object({ token: z.string(), app: z.string(), room: z.string(), identity: z.string(), wsUrl: z.string(), mode: z.literal("viewer"), expiresAt: z.string() })
  .openapi("PlayToken");

const randomViewerIdentity = () => `viewer-${toHex(randomBytes(4))}`;

const route = publicAppRoute({
  method: "get",
  path: "/{app}/play-token/{room}",
  tags: ["livekit"],
  summary: "A public viewer token",
  description:
    "No credential needed: a subscribe-only, hidden viewer token (identity `viewer-<8 hex>`, 6 h) for the room, for embedded players. 404 `public_playback_disabled` when the app's `publicPlayback` feature is off (the same answer as for an unknown app). Rate-limited per client address.",
  request: { params: z.object({ room: z.string().openapi({ param: { name: "room", in: "path" } }) }) },
  responses: {
    200: { description: "A viewer token", content: { "application/json": { schema: envelopeSchema(PlayTokenSchema) } } },
    400: errorResponse("Not a valid room name"),
    404: errorResponse("public_playback_disabled: the app's public playback is off, or there is no such app (one answer, so that app names cannot be probed)"),
    429: errorResponse("Too many play tokens from this address; see Retry-After"),
    503: errorResponse("LiveKit is not configured"),
  },
});

export const registerPlayToken = (app: App) =>
  app.openapi(route, async (c) => {
    c.header("Access-Control-Allow-Origin", "*");
    const { app: name, room: requested } = c.req.valid("param");
    const record = APP_NAME.test(name) ? await appRecord(c.env, name) : null;
    // One answer for "no such app" and "public playback off": this route takes no
    // credential, so telling the two apart would let anyone probe which app names
    // exist. The code and message still name the likely cause (playback is off),
    // which an integrator holding a real app name can act on; 404 keeps players
    // (sdk/src/player/token.ts) showing their not-allowed state.
    if (!record || !featuresOf(record).publicPlayback) {
      throw new ApiError("public_playback_disabled", `no public playback for app "${name}": its publicPlayback feature is off, or there is no such app; use a viewer token from the app's owner`);
    }
    if (!ROOM.test(requested)) throw new ApiError("validation_failed", "room must be 1–120 characters of letters, digits, _, . and -");

    const ip = clientIp(c, c.get("config")) ?? "unknown";
    const retryAfter = admitPlayToken(record.name, ip);
    if (retryAfter > 0) {
      throw new ApiError("too_many_requests", "too many play tokens from this address", { headers: { "Retry-After": String(retryAfter) } });
    }
    countToken(c, record.name, "play_tokens");

    const lk = livekit(c.get("config"));
    const room = namespacedRoom(record.livekitRoomPrefix, requested);
    const identity = randomViewerIdentity();
    const token = await mintAccessToken(lk, {
      identity,
      ttlSeconds: PLAY_TTL_SECONDS,
      // Hidden from the room, counted as a viewer.
      attributes: PUBLIC_VIEWER_ATTRIBUTES,
      grant: { roomJoin: true, room, canPublish: false, canSubscribe: true, canPublishData: false, hidden: true },
    });
    return ok(c, {
      token,
      app: record.name,
      room,
      identity,
      wsUrl: await clientWsUrl(c, room, c.get("config").PUBLIC_WS_URL ?? lk.url),
      mode: "viewer" as const,
      expiresAt: new Date(Date.now() + PLAY_TTL_SECONDS * 1000).toISOString(),
    });
  });
