import { IngressInput } from "@livekit/protocol";
import { z } from "@hono/zod-openapi";
import type { IngressView } from "../../../../../durable/app/app-actor.ts";
import { randomBytes, toBase64Url } from "../../../../../core/crypto/encoding.ts";
import { hashPassword } from "../../../../../core/crypto/password.ts";
import { appActor } from "../../../../../core/actors.ts";
import { protectedRoute, type App } from "../../../../lib/app.ts";
import type { Config } from "../../../../../core/config.ts";
import { commonErrorResponses, created, envelopeSchema, errorResponse, ok, page, pageSchema } from "../../../../lib/envelope.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { featuresOf, playerLinks } from "../../../../lib/features.ts";
import { namespacedRoom } from "../../../../../core/livekit.ts";
import { livekit, livekitError } from "../../../../lib/livekit.ts";
import { reserveQuota } from "../../../../lib/quota.ts";
import { callerMay } from "../../../../middleware/authorize/index.ts";
import { AppParams } from "../schema.ts";
import { CreatedIngressSchema, CreateIngressBody, IngressParams, IngressSchema, ListIngressQuery, ValidateBody } from "./schema.ts";

const LIVEKIT_INPUT = { rtmp: IngressInput.RTMP_INPUT, rtsp: IngressInput.RTMP_INPUT, whip: IngressInput.WHIP_INPUT, url: IngressInput.URL_INPUT } as const;

const createRoute = protectedRoute("ingress:create", {
  method: "post",
  path: "/api/v1/apps/{app}/ingress",
  tags: ["ingress"],
  summary: "Create an ingress (RTMP, WHIP, URL pull, or an RTSP camera through the relay)",
  description:
    "Creates the ingress in LiveKit. `rtsp` is an RTMP ingress fed by the relay sidecar from the given rtsp:// source; `url` takes only what LiveKit pulls itself (http, https, srt). The stream key is stored encrypted and shown only to callers that may edit ingresses. With the app's `rtmpPassword` feature a password is returned once.",
  request: { params: AppParams, body: { required: true, content: { "application/json": { schema: CreateIngressBody } } } },
  responses: {
    201: { description: "The ingress and where to publish", content: { "application/json": { schema: envelopeSchema(CreatedIngressSchema) } } },
    404: errorResponse("No such app (or not visible to the caller)"),
    429: errorResponse("The tenant's maxConcurrentStreams quota is used up (quota_exceeded)"),
    502: errorResponse("LiveKit refused or failed"),
    503: errorResponse("LiveKit is not configured"),
    ...commonErrorResponses,
  },
});

const listRoute = protectedRoute("ingress:read", {
  method: "get",
  path: "/api/v1/apps/{app}/ingress",
  tags: ["ingress"],
  summary: "List ingresses",
  request: { params: AppParams, query: ListIngressQuery },
  responses: { 200: { description: "Newest first", content: { "application/json": { schema: pageSchema(IngressSchema) } } }, 404: errorResponse("No such app"), ...commonErrorResponses },
});

const getRoute = protectedRoute("ingress:read", {
  method: "get",
  path: "/api/v1/apps/{app}/ingress/{ingressId}",
  tags: ["ingress"],
  summary: "Get an ingress",
  request: { params: IngressParams },
  responses: { 200: { description: "The ingress", content: { "application/json": { schema: envelopeSchema(IngressSchema) } } }, 404: errorResponse("No such app or ingress"), ...commonErrorResponses },
});

const deleteRoute = protectedRoute("ingress:delete", {
  method: "delete",
  path: "/api/v1/apps/{app}/ingress/{ingressId}",
  tags: ["ingress"],
  summary: "Delete an ingress (and stop its relay)",
  request: { params: IngressParams },
  responses: {
    200: { description: "Deleted", content: { "application/json": { schema: envelopeSchema(z.object({ ingressId: z.string(), deleted: z.literal(true) })) } } },
    404: errorResponse("No such app or ingress"),
    502: errorResponse("LiveKit refused or failed"),
    ...commonErrorResponses,
  },
});

const validateRoute = protectedRoute("ingress:write", {
  method: "post",
  path: "/api/v1/apps/{app}/ingress/{ingressId}/validate",
  tags: ["ingress"],
  summary: "Check an RTMP publisher's password",
  request: { params: IngressParams, body: { required: true, content: { "application/json": { schema: ValidateBody } } } },
  responses: {
    200: { description: "Whether it matches", content: { "application/json": { schema: envelopeSchema(z.object({ ingressId: z.string(), valid: z.boolean() })) } } },
    404: errorResponse("No such app or ingress"),
    ...commonErrorResponses,
  },
});

/** Where an encoder publishes: LiveKit's RTMP base (its host replaced by RTMP_PUBLIC_HOST) plus the key, or the WHIP endpoint. */
function publishUrl(config: Config, view: IngressView): string | null {
  if (view.inputType === "url" || view.inputType === "rtsp") return null;
  if (view.inputType === "whip") return view.url;
  if (!view.streamKey) return null;
  const base = new URL(view.url);
  if (config.RTMP_PUBLIC_HOST) base.host = config.RTMP_PUBLIC_HOST;
  return `${base.toString().replace(/\/$/, "")}/${view.streamKey}`;
}

const ingressNotFound = (id: string) => new ApiError(404, "ingress_not_found", `ingress "${id}" not found`);

export function registerIngress(app: App) {
  app.openapi(createRoute, async (c) => {
    const body = c.req.valid("json");
    const record = c.var.app;
    const config = c.var.config;
    const lk = livekit(config);
    const features = featuresOf(record);
    const room = namespacedRoom(record.livekitRoomPrefix, body.room);
    const participantIdentity = body.participantIdentity ?? `ingress-${record.name}`;
    const transcoding = body.enableTranscoding ?? body.inputType !== "whip";

    // A check, not a hold: the slot is taken when the ingress actually publishes.
    const check = await reserveQuota(c, record.tenantId ?? "platform", "maxConcurrentStreams", { holdMs: 60_000 });
    await check.release();

    let info;
    try {
      info = await lk.ingress.createIngress(LIVEKIT_INPUT[body.inputType], {
        name: body.name ?? `${body.inputType}-${room}`,
        roomName: room,
        participantIdentity,
        participantName: body.participantName ?? participantIdentity,
        enableTranscoding: transcoding,
        ...(body.inputType === "url" ? { url: body.url } : {}),
      });
    } catch (error) {
      throw livekitError(c.var.requestId, "create the ingress", error);
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
    const links = playerLinks(config.PUBLIC_BASE_URL ?? new URL(c.req.url).origin, record.name, room);
    const publish = publishUrl(config, view);
    return created(c, {
      ...view,
      publishUrl: publish,
      roomName: room,
      rtmp_url: view.inputType === "rtmp" ? publish : null,
      stream_key: view.streamKey,
      ...(password ? { stream_password: password } : {}),
      requires_password: password !== undefined,
      adaptive: features.adaptivePlayer,
      player_url: links.playUrl,
      embed_iframe: links.iframe,
    });
  });

  app.openapi(listRoute, async (c) => {
    const { limit, offset, room, q } = c.req.valid("query");
    const reveal = callerMay(c.var.auth, "ingress:write");
    const filter = { room: room ? namespacedRoom(c.var.app.livekitRoomPrefix, room) : undefined, q };
    const { ingresses, total } = await appActor(c.env, c.var.app.name).listIngresses(filter, limit, offset, reveal);
    return page(c, ingresses.map((view) => ({ ...view, publishUrl: publishUrl(c.var.config, view) })), total, limit, offset);
  });

  app.openapi(getRoute, async (c) => {
    const { ingressId } = c.req.valid("param");
    const view = await appActor(c.env, c.var.app.name).getIngress(ingressId, callerMay(c.var.auth, "ingress:write"));
    if (!view) throw ingressNotFound(ingressId);
    return ok(c, { ...view, publishUrl: publishUrl(c.var.config, view) });
  });

  app.openapi(deleteRoute, async (c) => {
    const { ingressId } = c.req.valid("param");
    const actor = appActor(c.env, c.var.app.name);
    // Checked against the app first: another app's ingress id is a 404 here, never deleted.
    if (!(await actor.getIngress(ingressId, false))) throw ingressNotFound(ingressId);
    try {
      await livekit(c.var.config).ingress.deleteIngress(ingressId);
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw livekitError(c.var.requestId, "delete the ingress", error);
    }
    await actor.removeIngress(ingressId);
    return ok(c, { ingressId, deleted: true as const });
  });

  app.openapi(validateRoute, async (c) => {
    const { ingressId } = c.req.valid("param");
    const valid = await appActor(c.env, c.var.app.name).validateIngressPassword(ingressId, c.req.valid("json").password);
    if (valid === null) throw ingressNotFound(ingressId);
    return ok(c, { ingressId, valid });
  });
}
