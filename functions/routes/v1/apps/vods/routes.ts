import { z } from "@hono/zod-openapi";
import type { Vod } from "../../../../../durable/app/vods.repo.ts";
import { objectUrl, type S3Credentials, type S3Settings } from "../../../../../core/s3.ts";
import { appActor } from "../../../../../core/actors.ts";
import { protectedRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse, ok, page, pageSchema } from "../../../../lib/envelope.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { describeError, log } from "../../../../../core/log.ts";
import { namespacedRoom } from "../../../../../core/livekit.ts";
import { isoTime, pageQuery } from "../../../../lib/pagination.ts";
import { s3Client } from "../../../../lib/s3-probe.ts";
import { AppParams } from "../schema.ts";

/** SigV4 presigned URLs live at most 7 days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

const VodSchema = z
  .object({
    id: z.string(),
    appId: z.string(),
    egressId: z.string(),
    streamId: z.string().nullable(),
    room: z.string(),
    mode: z.enum(["room-composite", "participant"]),
    fileKey: z.string(),
    s3Url: z.string().nullable(),
    publicUrl: z.string().nullable(),
    sizeBytes: z.number().nullable(),
    durationS: z.number().nullable(),
    width: z.number().nullable(),
    height: z.number().nullable(),
    format: z.string(),
    status: z.enum(["recording", "uploading", "ready", "failed"]),
    error: z.string().nullable(),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
  })
  .openapi("Vod");

const VodDetailSchema = VodSchema.extend({
  url: z.string().nullable().openapi({ description: "publicUrl, or else presignedUrl" }),
  presignedUrl: z.string().nullable(),
  presignedExpiresAt: z.string().nullable(),
}).openapi("VodDetail");

const ListQuery = pageQuery({ defaultLimit: 200, maxLimit: 1000 }).extend({
  room: z.string().max(120).optional().openapi({ param: { name: "room", in: "query" } }),
  status: z.enum(["recording", "uploading", "ready", "failed"]).optional().openapi({ param: { name: "status", in: "query" } }),
  since: isoTime.optional().openapi({ param: { name: "since", in: "query" } }),
  until: isoTime.optional().openapi({ param: { name: "until", in: "query" } }),
  order: z.enum(["started_at", "size_bytes", "id"]).default("id").openapi({ param: { name: "order", in: "query" } }),
  dir: z.enum(["asc", "desc"]).default("desc").openapi({ param: { name: "dir", in: "query" } }),
});

const VodParams = AppParams.extend({ id: z.string().max(64).openapi({ param: { name: "id", in: "path" } }) });

const listRoute = protectedRoute("vod:read", {
  method: "get",
  path: "/api/v1/apps/{app}/vods",
  tags: ["vods"],
  summary: "List recordings",
  request: { params: AppParams, query: ListQuery },
  responses: { 200: { description: "A page of recordings", content: { "application/json": { schema: pageSchema(VodSchema) } } }, 404: errorResponse("No such app"), ...commonErrorResponses },
});

const getRoute = protectedRoute("vod:read", {
  method: "get",
  path: "/api/v1/apps/{app}/vods/{id}",
  tags: ["vods"],
  summary: "One recording, with a playable URL",
  request: {
    params: VodParams,
    query: z.object({
      ttl: z.coerce.number().int().min(60).max(MAX_PRESIGN_SECONDS).default(MAX_PRESIGN_SECONDS).openapi({ param: { name: "ttl", in: "query" }, description: "Seconds the presigned URL stays valid" }),
    }),
  },
  responses: { 200: { description: "The recording", content: { "application/json": { schema: envelopeSchema(VodDetailSchema) } } }, 404: errorResponse("No such app or recording"), ...commonErrorResponses },
});

const deleteRoute = protectedRoute("vod:delete", {
  method: "delete",
  path: "/api/v1/apps/{app}/vods/{id}",
  tags: ["vods"],
  summary: "Delete a recording and its object in the bucket",
  description: "The object is deleted first; if the bucket refuses, the answer is 502 and the recording stays listed, so it can be retried — a row never points at nothing silently.",
  request: { params: VodParams },
  responses: {
    200: {
      description: "Deleted",
      content: { "application/json": { schema: envelopeSchema(z.object({ id: z.string(), deleted: z.literal(true), s3Deleted: z.boolean(), localDeleted: z.literal(false) })) } },
    },
    404: errorResponse("No such app or recording"),
    409: errorResponse("Still recording: stop it first"),
    502: errorResponse("The bucket did not delete the object; nothing changed"),
    ...commonErrorResponses,
  },
});

function shown(app: string, vod: Vod, s3: S3Settings | null) {
  return {
    ...vod,
    appId: app,
    s3Url: s3 ? objectUrl(s3, vod.fileKey) : null,
    publicUrl: s3?.publicUrl && vod.status === "ready" ? `${s3.publicUrl.replace(/\/+$/, "")}/${vod.fileKey}` : null,
  };
}

async function presign(settings: S3Settings, credentials: S3Credentials, key: string, ttlSeconds: number): Promise<string> {
  const url = new URL(objectUrl(settings, key));
  url.searchParams.set("X-Amz-Expires", String(ttlSeconds));
  const signed = await s3Client(settings, credentials).sign(url.toString(), { aws: { signQuery: true } });
  return signed.url;
}

const vodNotFound = (id: string) => new ApiError(404, "vod_not_found", `recording "${id}" not found`);

export function registerVods(app: App) {
  app.openapi(listRoute, async (c) => {
    const { limit, offset, order, dir, room, ...filter } = c.req.valid("query");
    const actor = appActor(c.env, c.var.app.name);
    const s3 = (await actor.getS3())?.settings ?? null;
    const { vods, total } = await actor.listVods({ ...filter, room: room ? namespacedRoom(c.var.app.livekitRoomPrefix, room) : undefined }, order, dir, limit, offset);
    return page(c, vods.map((vod) => shown(c.var.app.name, vod, s3)), total, limit, offset);
  });

  app.openapi(getRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { ttl } = c.req.valid("query");
    const actor = appActor(c.env, c.var.app.name);
    const vod = await actor.getVod(id);
    if (!vod) throw vodNotFound(id);
    const s3 = await actor.getS3();
    const credentials = await actor.s3Credentials();
    const base = shown(c.var.app.name, vod, s3?.settings ?? null);
    const presignedUrl = vod.status === "ready" && s3 && credentials ? await presign(s3.settings, credentials, vod.fileKey, ttl) : null;
    return ok(c, {
      ...base,
      url: base.publicUrl ?? presignedUrl,
      presignedUrl,
      presignedExpiresAt: presignedUrl ? new Date(Date.now() + ttl * 1000).toISOString() : null,
    });
  });

  app.openapi(deleteRoute, async (c) => {
    const { id } = c.req.valid("param");
    const actor = appActor(c.env, c.var.app.name);
    const vod = await actor.getVod(id);
    if (!vod) throw vodNotFound(id);
    if (vod.status === "recording" || vod.status === "uploading") throw new ApiError(409, "recording_ended", "the recording is still running: stop it first");
    const s3 = await actor.getS3();
    const credentials = await actor.s3Credentials();
    let s3Deleted = false;
    if (s3 && credentials && vod.status === "ready") {
      let response: Response;
      try {
        response = await s3Client(s3.settings, credentials).fetch(objectUrl(s3.settings, vod.fileKey), { method: "DELETE", signal: AbortSignal.timeout(10_000) });
      } catch (error) {
        log("error", "the bucket could not be reached to delete a recording", { requestId: c.var.requestId, vodId: vod.id, ...describeError(error) });
        throw new ApiError(502, "s3_error", "the bucket could not be reached; the recording is kept, try again");
      }
      // S3 answers 204 for a delete, and for an object already gone.
      if (!response.ok && response.status !== 404) {
        log("error", "the bucket refused to delete a recording", { requestId: c.var.requestId, vodId: vod.id, status: response.status });
        throw new ApiError(502, "s3_error", `the bucket refused the delete (${response.status}); the recording is kept, try again`);
      }
      s3Deleted = true;
    }
    await actor.removeVod(vod.id);
    return ok(c, { id: vod.id, deleted: true as const, s3Deleted, localDeleted: false as const });
  });
}
