import type { Vod } from "../../../../../durable/app/vods.repo.ts";
import type { AppRecord } from "../../../../../durable/registry/apps.repo.ts";
import { objectUrl, type S3Credentials, type S3Settings } from "../../../../../core/s3.ts";
import { appActor } from "../../../../../core/actors.ts";
import { appRoute, newApp } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse, pageSchema } from "../../../../lib/schemas.ts";
import { ok, page } from "../../../../lib/envelope.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { describeError, log } from "../../../../../core/log.ts";
import { namespacedRoom } from "../../../../../core/livekit.ts";
import { s3Client, s3Fetch } from "../../../../lib/s3-probe.ts";
import { outbound } from "../../../../../core/outbound.ts";
import { DeletedVodSchema, GetVodQuery, ListVodsQuery, VodDetailSchema, VodParams, VodSchema } from "./schema.ts";

const listRoute = appRoute("vod:read", {
  method: "get",
  path: "/",
  tags: ["vods"],
  summary: "List recordings",
  request: { query: ListVodsQuery },
  responses: { 200: { description: "A page of recordings", content: { "application/json": { schema: pageSchema(VodSchema) } } }, 404: errorResponse("No such app"), ...commonErrorResponses },
});

const getRoute = appRoute("vod:read", {
  method: "get",
  path: "/{id}",
  tags: ["vods"],
  summary: "One recording, with a playable URL",
  request: { params: VodParams, query: GetVodQuery },
  responses: { 200: { description: "The recording", content: { "application/json": { schema: envelopeSchema(VodDetailSchema) } } }, 404: errorResponse("No such app or recording"), ...commonErrorResponses },
});

const deleteRoute = appRoute("vod:delete", {
  method: "delete",
  path: "/{id}",
  tags: ["vods"],
  summary: "Delete a recording and its object in the bucket",
  description: "The object is deleted first; if the bucket refuses, the answer is 502 and the recording stays listed, so it can be retried — a row never points at nothing silently.",
  request: { params: VodParams },
  responses: {
    200: { description: "Deleted", content: { "application/json": { schema: envelopeSchema(DeletedVodSchema) } } },
    404: errorResponse("No such app or recording"),
    409: errorResponse("Still recording or uploading (recording_running): stop it, or wait until it is ready"),
    502: errorResponse("The bucket did not delete the object; nothing changed"),
    ...commonErrorResponses,
  },
});

function shown(app: AppRecord, vod: Vod, s3: S3Settings | null) {
  return {
    ...vod,
    appId: app.id,
    name: `${vod.room}-${vod.startedAt.slice(0, 10)}`,
    localPath: null,
    metatagsJson: JSON.stringify({ room: vod.room, mode: vod.mode, codec: "h264" }),
    snapshotKey: null,
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

const vodNotFound = (id: string) => new ApiError("vod_not_found", `recording "${id}" not found`);

/** /api/v1/apps/{app}/vods: the app's recordings. */
export const vodsApi = newApp();

vodsApi.openapi(listRoute, async (c) => {
  const { limit, offset, order, dir, room, ...filter } = c.req.valid("query");
  const actor = appActor(c.env, c.get("app").name);
  const s3 = await actor.bucketSettings();
  const { vods, total } = await actor.listVods({ ...filter, room: room ? namespacedRoom(c.get("app").livekitRoomPrefix, room) : undefined }, order, dir, limit, offset);
  return page(c, vods.map((vod) => shown(c.get("app"), vod, s3)), total, limit, offset);
});

vodsApi.openapi(getRoute, async (c) => {
  const { id } = c.req.valid("param");
  const { ttl } = c.req.valid("query");
  const actor = appActor(c.env, c.get("app").name);
  const vod = await actor.getVod(id);
  if (!vod) throw vodNotFound(id);
  const s3 = await actor.bucketSettings();
  const base = shown(c.get("app"), vod, s3);
  // The keys are opened only for a recording there is something to presign for.
  const credentials = vod.status === "ready" && s3 ? await actor.s3Credentials() : null;
  const presignedUrl = s3 && credentials ? await presign(s3, credentials, vod.fileKey, ttl) : null;
  return ok(c, {
    ...base,
    url: base.publicUrl ?? presignedUrl,
    presignedUrl,
    presignedExpiresAt: presignedUrl ? new Date(Date.now() + ttl * 1000).toISOString() : null,
    adaptive: null,
    variants: [],
  });
});

vodsApi.openapi(deleteRoute, async (c) => {
  const { id } = c.req.valid("param");
  const actor = appActor(c.env, c.get("app").name);
  const vod = await actor.getVod(id);
  if (!vod) throw vodNotFound(id);
  if (vod.status === "recording") throw new ApiError("recording_running", `recording "${id}" is still running: stop it first (POST …/recording/${id}/stop)`);
  if (vod.status === "uploading") throw new ApiError("recording_running", `recording "${id}" is still uploading: delete it once it is ready`);
  const bucket = await actor.bucket();
  let s3Deleted = false;
  if (bucket && vod.status === "ready") {
    let response: Response;
    try {
      response = await s3Fetch(bucket.settings, bucket.credentials, outbound(c.env, c.get("config").STREAMHUB_S3_ALLOW_PRIVATE))(objectUrl(bucket.settings, vod.fileKey), { method: "DELETE", signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      log("error", "the bucket could not be reached to delete a recording", { requestId: c.get("requestId"), vodId: vod.id, ...describeError(error) });
      throw new ApiError("s3_error", "the bucket could not be reached; the recording is kept, try again");
    }
    // S3 answers 204 for a delete, and for an object already gone.
    if (!response.ok && response.status !== 404) {
      log("error", "the bucket refused to delete a recording", { requestId: c.get("requestId"), vodId: vod.id, status: response.status });
      throw new ApiError("s3_error", `the bucket refused the delete (${response.status}); the recording is kept, try again`);
    }
    s3Deleted = true;
  }
  await actor.removeVod(vod.id);
  return ok(c, { id: vod.id, deleted: true as const, s3Deleted, localDeleted: false as const });
});
