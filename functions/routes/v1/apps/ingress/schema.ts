import { z } from "@hono/zod-openapi";
import { pageQuery } from "../../../../lib/pagination.ts";
import { ROOM } from "../schema.ts";

export const IngressParams = z.object({ ingressId: z.string().max(64).openapi({ param: { name: "ingressId", in: "path" } }) });

const RTSP_SCHEMES = ["rtsp:", "rtsps:"];

/**
 * The input an ingress really is. The original's docs add an RTSP camera as
 * `{"inputType":"url","url":"rtsp://…"}`; LiveKit cannot pull RTSP, so such a
 * source is an `rtsp` ingress (RTMP fed by the relay sidecar), as if asked so.
 */
export function effectiveInputType(body: { inputType: "rtmp" | "whip" | "url" | "rtsp"; url?: string }) {
  return body.inputType === "url" && RTSP_SCHEMES.includes(schemeOf(body.url) ?? "") ? "rtsp" : body.inputType;
}

const schemeOf = (url: string | undefined) => {
  try {
    return url ? new URL(url).protocol : null;
  } catch {
    return "invalid";
  }
};

export const CreateIngressBody = z
  .strictObject({
    inputType: z.enum(["rtmp", "whip", "url", "rtsp"]),
    name: z.string().trim().min(1).max(100).optional(),
    room: z.string().regex(ROOM, "must be 1–120 characters of letters, digits, _, . and -").optional(),
    participantIdentity: z.string().regex(/^[\w.@:-]{1,128}$/, "must be 1–128 characters of letters, digits, _, ., @, : and -").optional(),
    participantName: z.string().max(256).optional(),
    url: z.string().max(2048).optional().openapi({ description: "`url`: an http, https or srt source LiveKit pulls (an rtsp:// URL makes it an `rtsp` ingress, as the original's docs add cameras); `rtsp`: the rtsp:// camera the relay pulls" }),
    enableTranscoding: z.boolean().optional(),
  })
  .superRefine((body, ctx) => {
    const scheme = schemeOf(body.url);
    if (body.inputType === "url" && !["http:", "https:", "srt:", ...RTSP_SCHEMES].includes(scheme ?? "")) {
      ctx.addIssue({ code: "custom", path: ["url"], message: "url inputs need an http, https or srt URL (LiveKit pulls those), or an rtsp:// camera (relayed)" });
    }
    if (body.inputType === "rtsp" && !RTSP_SCHEMES.includes(scheme ?? "")) {
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
    // The original StreamHub's names for the same facts, which its dashboard and integrators read.
    roomName: z.string().openapi({ description: "= `room` (the original's name)" }),
    rtmp_url: z.string().nullable().openapi({ description: "RTMP ingresses: the full publish URL with the key (= `publishUrl`); null for other inputs and for callers that may not edit ingresses" }),
    stream_key: z.string().nullable().openapi({ description: "= `streamKey`: only for callers that may edit ingresses, otherwise null" }),
    requires_password: z.boolean().openapi({ description: "= `requiresPassword`" }),
  })
  .openapi("Ingress");

export const CreatedIngressSchema = IngressSchema.extend({
  stream_password: z.string().optional().openapi({ description: "Shown once, when the app's rtmpPassword feature is on" }),
  adaptive: z.boolean(),
  player_url: z.string(),
  embed_iframe: z.string(),
}).openapi("CreatedIngress");

export const ListIngressQuery = pageQuery({ defaultLimit: 50, maxLimit: 500 }).extend({
  room: z.string().max(120).optional().openapi({ param: { name: "room", in: "query" } }),
  q: z.string().max(200).optional().openapi({ param: { name: "q", in: "query" } }),
});

export const ValidateBody = z.strictObject({ password: z.string().min(1).max(256) }).openapi("ValidateIngressPassword");
