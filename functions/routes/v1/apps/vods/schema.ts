import { z } from "@hono/zod-openapi";
import { isoTime, pageQuery } from "../../../../lib/pagination.ts";

/** SigV4 presigned URLs live at most 7 days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export const VodSchema = z
  .object({
    id: z.string(),
    appId: z.number().int().openapi({ description: "The app's numeric id" }),
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
    // The original StreamHub's VodRecord fields, which its clients read.
    name: z.string().openapi({ description: "A display name: the room and the day the recording started" }),
    localPath: z.null().openapi({ description: "Always null: recordings go straight to the app's bucket" }),
    metatagsJson: z.string().openapi({ description: "JSON: room, mode and codec" }),
    snapshotKey: z.null().openapi({ description: "Always null: no snapshots are taken" }),
  })
  .openapi("Vod");

export const VodDetailSchema = VodSchema.extend({
  url: z.string().nullable().openapi({ description: "publicUrl, or else presignedUrl" }),
  presignedUrl: z.string().nullable(),
  presignedExpiresAt: z.string().nullable(),
  adaptive: z.null().openapi({ description: "Always null: no adaptive HLS ladder is made of recordings" }),
  variants: z.array(z.unknown()).max(0).openapi({ description: "Always empty: recordings are not transcoded" }),
}).openapi("VodDetail");

export const DeletedVodSchema = z.object({ id: z.string(), deleted: z.literal(true), s3Deleted: z.boolean(), localDeleted: z.literal(false) });

export const ListVodsQuery = pageQuery({ defaultLimit: 200, maxLimit: 1000 }).extend({
  room: z.string().max(120).optional().openapi({ param: { name: "room", in: "query" } }),
  status: z.enum(["recording", "uploading", "ready", "failed"]).optional().openapi({ param: { name: "status", in: "query" } }),
  since: isoTime.optional().openapi({ param: { name: "since", in: "query" } }),
  until: isoTime.optional().openapi({ param: { name: "until", in: "query" } }),
  order: z.enum(["started_at", "size_bytes", "id"]).default("id").openapi({ param: { name: "order", in: "query" } }),
  dir: z.enum(["asc", "desc"]).default("desc").openapi({ param: { name: "dir", in: "query" } }),
});

export const GetVodQuery = z.object({
  ttl: z.coerce.number().int().min(60).max(MAX_PRESIGN_SECONDS).default(MAX_PRESIGN_SECONDS).openapi({ param: { name: "ttl", in: "query" }, description: "Seconds the presigned URL stays valid" }),
});

export const VodParams = z.object({ id: z.string().max(64).openapi({ param: { name: "id", in: "path" } }) });
