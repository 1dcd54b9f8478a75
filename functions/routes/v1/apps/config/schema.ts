import { z } from "@hono/zod-openapi";
import { FeaturesSchema } from "../schema.ts";

// GET/PATCH /apps/{app}/config: the original StreamHub's adaptive/transcoding
// view of an app. StreamHub does not transcode recordings (LiveKit egress writes
// one H.264 MP4), so the transcoding block only ever shows that, and PATCH
// refuses values that would ask for more rather than store a promise it breaks.

const LayerSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9_-]{1,16}$/, "must be 1–16 characters of a-z, 0-9, _ and -"),
    height: z.number().int().min(1).max(4320),
  })
  .openapi("ConfigLayer");

const HWACCEL = ["auto", "gpu", "cpu"] as const;

export const ConfigViewSchema = z
  .object({
    app: z.string(),
    adaptive: z.boolean().openapi({ description: "Simulcast WebRTC delivery: the `adaptivePlayer` feature" }),
    layers: z.array(LayerSchema).openapi({ description: "The rendition ladder shown to players (default 720/480/240)" }),
    rtmp: z.object({
      enabled: z.boolean(),
      transcode: z.boolean().openapi({ description: "RTMP, RTSP and URL ingresses transcode to LiveKit's multi-layer ladder unless the request says `enableTranscoding`" }),
    }),
    features: FeaturesSchema.required(),
    transcoding: z.object({
      enabled: z.literal(false).openapi({ description: "Always false: StreamHub does not transcode recordings (LiveKit egress writes one H.264 MP4)" }),
      encoding: z.literal("h264"),
      vodAdaptive: z.literal(false),
      vodRenditions: z.array(z.object({ height: z.number().int(), bitrateKbps: z.number().int() })).max(0),
      hwaccel: z.enum(HWACCEL),
      hwaccelResolved: z.object({ requested: z.enum(HWACCEL), effective: z.literal("cpu"), type: z.literal("none"), reason: z.string() }),
    }),
  })
  .openapi("AppConfig");

const notHere = (what: string) => `${what}: StreamHub does not transcode recordings (LiveKit egress writes one H.264 MP4)`;

export const PatchConfigBody = z
  .strictObject({
    adaptive: z.boolean().openapi({ description: "Sets the `adaptivePlayer` feature" }),
    layers: z.array(LayerSchema).min(1).max(8).openapi({ description: "Replaces the whole ladder" }),
    rtmpTranscode: z.boolean(),
    transcodingEnabled: z.literal(false, { error: notHere("only false is possible") }),
    encoding: z.literal("h264", { error: notHere('only "h264" is possible') }),
    vodAdaptive: z.literal(false, { error: notHere("only false is possible") }),
    vodRenditions: z.array(z.unknown()).max(0, notHere("only [] is possible")),
    hwaccel: z.enum(HWACCEL).openapi({ description: "Kept and shown; always resolved to CPU here" }),
    features: FeaturesSchema,
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, "give at least one field to change")
  .openapi("PatchAppConfig");
