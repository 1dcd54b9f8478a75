import { z } from "@hono/zod-openapi";
import { keyUnder } from "../../../../../core/s3.ts";
import { appActor } from "../../../../../core/actors.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import type { AppEnv } from "../../../../lib/context.ts";
import { publicBase } from "../../../../lib/features.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../../lib/schemas.ts";
import { ok } from "../../../../lib/envelope.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { hlsFolder, PLAYLIST, playlistUrl } from "../../../../lib/hls.ts";
import { egressUpload, liveKitGone } from "../../../../../core/livekit.ts";
import { livekit, livekitError } from "../../../../lib/livekit.ts";
import { StreamParams } from "./schema.ts";
import type { Context } from "hono";

const HlsSchema = z.object({ egressId: z.string().nullable(), playlistUrl: z.string().nullable(), status: z.enum(["active", "stopped"]), active: z.boolean() }).openapi("Hls");

const startRoute = appRoute("stream:write", {
  method: "post",
  path: "/{id}/hls/start",
  tags: ["hls"],
  summary: "Start live HLS of the stream's room (idempotent)",
  description: "A LiveKit segment egress writes 2 s HLS segments into the app's bucket; StreamHub serves the playlist at `playlistUrl`.",
  request: { params: StreamParams },
  responses: {
    200: { description: "Live HLS", content: { "application/json": { schema: envelopeSchema(HlsSchema) } } },
    ...commonErrorResponses,
    400: errorResponse("S3 is not configured for the app (s3_not_configured)"),
    404: errorResponse("No such app or active stream"),
    502: errorResponse("LiveKit refused or failed"),
  },
});

const stopRoute = appRoute("stream:write", {
  method: "post",
  path: "/{id}/hls/stop",
  tags: ["hls"],
  summary: "Stop live HLS of the stream's room",
  request: { params: StreamParams },
  responses: { 200: { description: "Stopped (or was not running)", content: { "application/json": { schema: envelopeSchema(HlsSchema) } } }, 404: errorResponse("No such app or stream"), ...commonErrorResponses },
});

const statusRoute = appRoute("stream:read", {
  method: "get",
  path: "/{id}/hls",
  tags: ["hls"],
  summary: "Whether the stream's room has live HLS, and where",
  request: { params: StreamParams },
  responses: { 200: { description: "HLS state", content: { "application/json": { schema: envelopeSchema(HlsSchema) } } }, 404: errorResponse("No such app or stream"), ...commonErrorResponses },
});

async function streamRoom(c: Context<AppEnv>, id: string, mustBeActive: boolean): Promise<string> {
  const stream = await appActor(c.env, c.get("app").name).getStream(id);
  if (!stream || (mustBeActive && stream.status !== "active")) throw new ApiError("stream_not_found", `stream "${id}" not found`);
  return stream.room;
}

const base = publicBase;

export function registerHls(app: App) {
  app.openapi(startRoute, async (c) => {
    const { id } = c.req.valid("param");
    const room = await streamRoom(c, id, true);
    const actor = appActor(c.env, c.get("app").name);
    const url = playlistUrl(base(c), c.get("app").name, room);
    const current = await actor.hlsFor(room);
    if (current?.status === "active") return ok(c, { egressId: current.egress_id, playlistUrl: url, status: "active" as const, active: true });

    const s3 = await actor.getS3();
    const credentials = await actor.s3Credentials();
    if (!s3 || !credentials) throw new ApiError("s3_not_configured", "configure the app's S3 bucket first (PUT /api/v1/apps/{app}/s3)");
    const folder = hlsFolder(s3.settings.prefix, room);
    const segments = {
      protocol: "HLS_PROTOCOL" as const,
      filenamePrefix: keyUnder(folder, "seg"),
      playlistName: PLAYLIST,
      segmentDuration: 2,
      s3: egressUpload(s3.settings, credentials),
    };
    let egress;
    try {
      egress = await livekit(c.get("config")).egress.startRoomCompositeEgress(room, { segments }, { preset: "H264_720P_30" });
    } catch (error) {
      throw livekitError(c.get("requestId"), `start HLS for room "${room}"`, error, c.get("config"));
    }
    await actor.startHls(room, egress.egressId, keyUnder(folder, PLAYLIST), url);
    return ok(c, { egressId: egress.egressId, playlistUrl: url, status: "active" as const, active: true });
  });

  app.openapi(stopRoute, async (c) => {
    const { id } = c.req.valid("param");
    const room = await streamRoom(c, id, false);
    const actor = appActor(c.env, c.get("app").name);
    const current = await actor.hlsFor(room);
    if (current?.status === "active") {
      try {
        await livekit(c.get("config")).egress.stopEgress(current.egress_id);
      } catch (error) {
        if (!liveKitGone(error, { stoppedEgress: true })) throw livekitError(c.get("requestId"), `stop HLS for room "${room}"`, error, c.get("config"));
      }
      await actor.stopHls(room);
    }
    return ok(c, { egressId: current?.egress_id ?? null, playlistUrl: null, status: "stopped" as const, active: false });
  });

  app.openapi(statusRoute, async (c) => {
    const { id } = c.req.valid("param");
    const room = await streamRoom(c, id, false);
    const current = await appActor(c.env, c.get("app").name).hlsFor(room);
    const active = current?.status === "active";
    return ok(c, { egressId: current?.egress_id ?? null, playlistUrl: active ? playlistUrl(base(c), c.get("app").name, room) : null, status: active ? ("active" as const) : ("stopped" as const), active });
  });
}
