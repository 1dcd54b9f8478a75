import { z } from "@hono/zod-openapi";
import { ROOM } from "../schema.ts";

export const StartRecordingBody = z
  .strictObject({
    roomName: z.string().regex(ROOM, "must be a room name"),
    streamId: z.string().max(260).optional().openapi({ description: "`<room>/<identity>`: record that participant only (mode participant)" }),
    mode: z.enum(["room-composite", "participant"]).optional(),
    layout: z.string().regex(/^[\w-]{1,32}$/).default("grid"),
  })
  .refine((body) => body.mode !== "participant" || body.streamId !== undefined, { message: "participant mode needs the streamId to record", path: ["streamId"] })
  .openapi("StartRecording");

export const RecordingSchema = z.object({ vodId: z.string(), egressId: z.string(), status: z.string() }).openapi("Recording");

export const RecordingParams = z.object({ id: z.string().max(64).openapi({ param: { name: "id", in: "path" } }) });
