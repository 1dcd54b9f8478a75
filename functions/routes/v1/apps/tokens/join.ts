import { appRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../../lib/schemas.ts";
import { created } from "../../../../lib/envelope.ts";
import { featuresOf, playerLinks, publicBase } from "../../../../lib/features.ts";
import { mintAccessToken, namespacedRoom, type ParticipantGrant } from "../../../../../core/livekit.ts";
import { livekit } from "../../../../lib/livekit.ts";
import { clientWsUrl } from "../../../../lib/cluster-nodes.ts";
import { publisherHolder } from "../../../../../durable/app/livekit-events.ts";
import { reserveQuota } from "../../../../lib/quota.ts";
import { countToken } from "../../../../lib/token-traffic.ts";
import { JoinTokenBody, JoinTokenSchema } from "./schema.ts";

const DEFAULT_TTL_SECONDS = 6 * 3600;
/** How long a publisher token holds a concurrent-stream slot before it is used (or the slot lapses). */
const PUBLISHER_SLOT_HOLD_MS = 10 * 60_000;

const route = appRoute("stream:write", {
  method: "post",
  path: "/",
  tags: ["livekit"],
  summary: "Mint a LiveKit join token",
  description:
    "A token for one participant of one room of the app, carrying only the grants asked for. The room is namespaced with the app's prefix. A publishing token holds a concurrent-stream slot of the tenant's quota (429 when none is left) until its stream ends, or for 10 minutes if it is never used.",
  request: { body: { required: true, content: { "application/json": { schema: JoinTokenBody } } } },
  responses: {
    201: { description: "The token and where to connect", content: { "application/json": { schema: envelopeSchema(JoinTokenSchema) } } },
    429: errorResponse("The tenant's maxConcurrentStreams quota is used up (quota_exceeded)"),
    503: errorResponse("LiveKit is not configured"),
    ...commonErrorResponses,
  },
});

export const registerJoinTokens = (app: App) =>
  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    const record = c.get("app");
    const config = c.get("config");
    const lk = livekit(config);
    const features = featuresOf(record);

    const room = namespacedRoom(record.livekitRoomPrefix, body.room);
    const identity = body.identity ?? `anon-${crypto.randomUUID()}`;
    const hidden = (body.hidden === true && features.hiddenQc) || body.recorder === true;
    const canPublish = hidden ? false : (body.canPublish ?? true);
    const ttlSeconds = body.ttl ?? DEFAULT_TTL_SECONDS;
    const grant: ParticipantGrant = {
      roomJoin: true,
      room,
      canPublish,
      canSubscribe: body.canSubscribe ?? true,
      canPublishData: body.canPublishData ?? true,
      ...(hidden ? { hidden: true } : {}),
      ...(body.recorder ? { recorder: true } : {}),
      ...(canPublish && body.audioOnly ? { canPublishSources: ["microphone"] } : {}),
    };

    // A publisher holds a concurrent-stream slot in the tenant's quota ledger —
    // one call, which also shares the slot with an earlier token of the same
    // identity (LiveKit replaces a duplicate identity, so it publishes one stream
    // at a time). The stream that starts commits it. A subscriber takes nothing.
    // Both are counted, not audited.
    if (canPublish) {
      await reserveQuota(c, record.tenantId ?? "platform", "maxConcurrentStreams", { holdMs: PUBLISHER_SLOT_HOLD_MS, holder: publisherHolder(room, identity) });
    }
    countToken(c, record.name, canPublish ? "publisher_tokens" : "join_tokens");

    const token = await mintAccessToken(lk, { identity, name: body.name, metadata: body.metadata, ttlSeconds, grant });
    const base = publicBase(c);
    return created(c, {
      token,
      app: record.name,
      room,
      identity,
      hidden,
      audioOnly: body.audioOnly ?? false,
      adaptive: features.adaptivePlayer,
      canPublish,
      expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
      wsUrl: await clientWsUrl(c, room, config.PUBLIC_WS_URL ?? lk.url),
      ...playerLinks(base, record.name, room),
    });
  });
