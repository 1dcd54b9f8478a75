import { randomBytes, toBase64Url } from "../../../../../core/crypto/encoding.ts";
import { hashPassword } from "../../../../../core/crypto/password.ts";
import { appActor } from "../../../../../core/actors.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../../lib/schemas.ts";
import { created } from "../../../../lib/envelope.ts";
import { featuresOf, playerLinks, publicBase } from "../../../../lib/features.ts";
import { namespacedRoom } from "../../../../../core/livekit.ts";
import type { IngressInput } from "../../../../../core/livekit-api.ts";
import { livekit, livekitError } from "../../../../lib/livekit.ts";
import { reserveQuota } from "../../../../lib/quota.ts";
import { CreatedIngressSchema, CreateIngressBody, effectiveInputType } from "./schema.ts";
import { ingressRow } from "./view.ts";

/** LiveKit's input type for each of ours (an RTSP camera comes in over RTMP, from the relay). */
const LIVEKIT_INPUT: Record<"rtmp" | "rtsp" | "whip" | "url", IngressInput> = { rtmp: "RTMP_INPUT", rtsp: "RTMP_INPUT", whip: "WHIP_INPUT", url: "URL_INPUT" };

const route = appRoute("ingress:create", {
  method: "post",
  path: "/",
  tags: ["ingress"],
  summary: "Create an ingress (RTMP, WHIP, URL pull, or an RTSP camera through the relay)",
  description:
    "Creates the ingress in LiveKit. `rtsp` is an RTMP ingress fed by the relay sidecar from the given rtsp:// source; `url` with an rtsp:// source is the same (the original's way to add a camera), otherwise only what LiveKit pulls itself (http, https, srt). The stream key is stored encrypted and shown only to callers that may edit ingresses. With the app's `rtmpPassword` feature a password is returned once.",
  request: { body: { required: true, content: { "application/json": { schema: CreateIngressBody } } } },
  responses: {
    201: { description: "The ingress and where to publish", content: { "application/json": { schema: envelopeSchema(CreatedIngressSchema) } } },
    429: errorResponse("The tenant's maxConcurrentStreams quota is used up (quota_exceeded)"),
    502: errorResponse("LiveKit refused or failed"),
    503: errorResponse("LiveKit is not configured"),
    ...commonErrorResponses,
  },
});

export const registerIngressCreate = (app: App) =>
  app.openapi(route, async (c) => {
    const requested = c.req.valid("json");
    const body = { ...requested, inputType: effectiveInputType(requested) };
    const record = c.get("app");
    const config = c.get("config");
    const lk = livekit(config);
    const features = featuresOf(record);
    const room = namespacedRoom(record.livekitRoomPrefix, body.room);
    const participantIdentity = body.participantIdentity ?? `ingress-${record.name}`;
    // The app's rtmpTranscode (/apps/{app}/config) is the default for everything but WHIP.
    const transcoding = body.enableTranscoding ?? (body.inputType !== "whip" && record.settings.rtmpTranscode !== false);

    // A check, not a hold: the slot is taken when the ingress actually publishes.
    const check = await reserveQuota(c, record.tenantId ?? "platform", "maxConcurrentStreams", { holdMs: 60_000 });
    await check.release();

    let info;
    try {
      info = await lk.ingress.createIngress({
        inputType: LIVEKIT_INPUT[body.inputType],
        name: body.name ?? `${body.inputType}-${room}`,
        roomName: room,
        participantIdentity,
        participantName: body.participantName ?? participantIdentity,
        enableTranscoding: transcoding,
        ...(body.inputType === "url" ? { url: body.url } : {}),
      });
    } catch (error) {
      throw livekitError(c.get("requestId"), "create the ingress", error, c.get("config"));
    }

    const password = features.rtmpPassword && body.inputType !== "url" ? toBase64Url(randomBytes(12)) : undefined;
    const view = await appActor(c.env, record.name).addIngress({
      ingressId: info.ingressId,
      name: info.name,
      inputType: body.inputType,
      room,
      participantIdentity,
      participantName: body.participantName ?? participantIdentity,
      sourceUrl: body.url ?? null,
      ingestUrl: info.url,
      streamKey: info.streamKey || null,
      passwordHash: password ? await hashPassword(password) : null,
      transcoding,
    });
    const links = playerLinks(publicBase(c), record.name, room);
    return created(c, {
      ...ingressRow(config, view),
      ...(password ? { stream_password: password } : {}),
      adaptive: features.adaptivePlayer,
      player_url: links.playUrl,
      embed_iframe: links.iframe,
    });
  });
