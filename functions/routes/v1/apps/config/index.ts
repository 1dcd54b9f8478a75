import { registry } from "../../../../../core/actors.ts";
import type { AppRecord, AppSettings } from "../../../../../durable/registry/apps.repo.ts";
import { forgetApp } from "../../../../lib/app-records.ts";
import { appRoute, newApp } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema } from "../../../../lib/schemas.ts";
import { ok } from "../../../../lib/envelope.ts";
import { appNotFound } from "../../../../lib/errors.ts";
import { featuresOf } from "../../../../lib/features.ts";
import { ConfigViewSchema, PatchConfigBody } from "./schema.ts";

const DEFAULT_LAYERS = [
  { name: "high", height: 720 },
  { name: "med", height: 480 },
  { name: "low", height: 240 },
];

const getRoute = appRoute("config:read", {
  method: "get",
  path: "/",
  tags: ["apps"],
  summary: "The app's adaptive and transcoding settings (the original StreamHub's config view)",
  responses: {
    200: { description: "The settings", content: { "application/json": { schema: envelopeSchema(ConfigViewSchema) } } },
    ...commonErrorResponses,
  },
});

const patchRoute = appRoute("config:write", {
  method: "patch",
  path: "/",
  tags: ["apps"],
  summary: "Change the app's adaptive and transcoding settings",
  description:
    "Give only what changes; `layers` replaces the whole ladder, `features` is merged key by key, `adaptive` is the `adaptivePlayer` feature. StreamHub does not transcode recordings, so `transcodingEnabled`, `encoding`, `vodAdaptive` and `vodRenditions` take only the values that say so (false, h264, false, []); anything else is a 400. Display name, recording and callbacks are set with PATCH /apps/{app}.",
  request: { body: { required: true, content: { "application/json": { schema: PatchConfigBody } } } },
  responses: {
    200: { description: "The settings after the change", content: { "application/json": { schema: envelopeSchema(ConfigViewSchema) } } },
    ...commonErrorResponses,
  },
});

function configView(record: AppRecord) {
  const features = featuresOf(record);
  const hwaccel = record.settings.hwaccel ?? "auto";
  return {
    app: record.name,
    adaptive: features.adaptivePlayer,
    layers: record.settings.layers ?? DEFAULT_LAYERS,
    rtmp: { enabled: true, transcode: record.settings.rtmpTranscode ?? true },
    features,
    transcoding: {
      enabled: false as const,
      encoding: "h264" as const,
      vodAdaptive: false as const,
      vodRenditions: [],
      hwaccel,
      hwaccelResolved: {
        requested: hwaccel,
        effective: "cpu" as const,
        type: "none" as const,
        reason: "StreamHub does not transcode: LiveKit's ingress makes the live ladder and its egress records H.264",
      },
    },
  };
}

/** /api/v1/apps/{app}/config */
export const configApi = newApp();

configApi.openapi(getRoute, (c) => ok(c, configView(c.get("app"))));

configApi.openapi(patchRoute, async (c) => {
  const { app: name } = c.req.valid("param");
  const body = c.req.valid("json");
  const current = c.get("app");
  const changes: AppSettings = {};
  if (body.layers !== undefined) changes.layers = body.layers;
  if (body.rtmpTranscode !== undefined) changes.rtmpTranscode = body.rtmpTranscode;
  if (body.hwaccel !== undefined) changes.hwaccel = body.hwaccel;
  if (body.features !== undefined || body.adaptive !== undefined) {
    changes.features = { ...current.settings.features, ...body.features, ...(body.adaptive === undefined ? {} : { adaptivePlayer: body.adaptive }) };
  }
  const updated = await registry(c.env).updateApp(name, { settings: changes });
  forgetApp(name);
  // Only the settings change, so the one failure possible is the app vanishing meanwhile.
  if (!updated.ok) throw appNotFound(name);
  return ok(c, configView(updated.value));
});
