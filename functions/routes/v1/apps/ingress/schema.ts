import { z } from "@hono/zod-openapi";
import { pageQuery } from "../../../../lib/pagination.ts";
import { ROOM } from "../schema.ts";

export const IngressParams = z.object({ ingressId: z.string().max(64).openapi({ param: { name: "ingressId", in: "path" } }) });

export const CreateIngressBody = z
  .strictObject({
    inputType: z.enum(["rtmp", "whip", "url", "rtsp"]),
    name: z.string().trim().min(1).max(100).optional(),
    room: z.string().regex(ROOM, "must be 1–120 characters of letters, digits, _, . and -").optional(),
    participantIdentity: z.string().regex(/^[\w.@:-]{1,128}$/, "must be 1–128 characters of letters, digits, _, ., @, : and -").optional(),
    participantName: z.string().max(256).optional(),
    url: z.string().max(2048).optional().openapi({ description: "`url`: an http, https or srt source LiveKit pulls; `rtsp`: the rtsp:// camera the relay pulls" }),
    enableTranscoding: z.boolean().optional(),
  })
  .superRefine((body, ctx) => {
    const scheme = (() => {
      try {
        return body.url ? new URL(body.url).protocol : null;
      } catch {
        return "invalid";
      }
    })();
    if (body.inputType === "url" && !["http:", "https:", "srt:"].includes(scheme ?? "")) {
      ctx.addIssue({ code: "custom", path: ["url"], message: "url inputs need an http, https or srt URL (LiveKit pulls only those; use inputType rtsp for cameras)" });
    }
    if (body.inputType === "rtsp" && !["rtsp:", "rtsps:"].includes(scheme ?? "")) {
      ctx.addIssue({ code: "custom", path: ["url"], message: "rtsp inputs need an rtsp:// or rtsps:// URL" });
    }
    if ((body.inputType === "rtmp" || body.inputType === "whip") && body.url !== undefined) {
      ctx.addIssue({ code: "custom", path: ["url"], message: `${body.inputType} ingresses are pushed to; they take no url` });
    }
  })
  .openapi("CreateIngress");

export const IngressSchema = z
  .object({
    ingressId: z.string(),
    name: z.string(),
    inputType: z.enum(["rtmp", "whip", "url", "rtsp"]),
    status: z.string().openapi({ description: "inactive | buffering | publishing | error | complete" }),
    room: z.string(),
    participantIdentity: z.string(),
    participantName: z.string(),
    url: z.string(),
    sourceUrl: z.string().nullable(),
    streamKey: z.string().nullable().openapi({ description: "Only for callers that may edit ingresses" }),
    streamKeySet: z.boolean(),
    requiresPassword: z.boolean(),
    passwordValidatedAt: z.string().nullable(),
    transcoding: z.boolean(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    viewers: z.number().int().nullable(),
    relay: z
      .object({ status: z.string(), error: z.string().nullable(), restarts: z.number().int(), updatedAt: z.string().nullable() })
      .nullable()
      .openapi({ description: "RTSP sources: the relay's last report (pending, starting, running, backoff, failed)" }),
    publishUrl: z.string().nullable().openapi({ description: "Where an encoder publishes (RTMP URL with key, or WHIP endpoint); null without credentials" }),
  })
  .openapi("Ingress");

export const CreatedIngressSchema = IngressSchema.extend({
  roomName: z.string(),
  rtmp_url: z.string().nullable(),
  stream_key: z.string().nullable(),
  stream_password: z.string().optional().openapi({ description: "Shown once, when the app's rtmpPassword feature is on" }),
  requires_password: z.boolean(),
  adaptive: z.boolean(),
  player_url: z.string(),
  embed_iframe: z.string(),
}).openapi("CreatedIngress");

export const ListIngressQuery = pageQuery({ defaultLimit: 50, maxLimit: 500 }).extend({
  room: z.string().max(120).optional().openapi({ param: { name: "room", in: "query" } }),
  q: z.string().max(200).optional().openapi({ param: { name: "q", in: "query" } }),
});

export const ValidateBody = z.strictObject({ password: z.string().min(1).max(256) }).openapi("ValidateIngressPassword");
