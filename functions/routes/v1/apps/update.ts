import { maskSecret } from "../../../../core/crypto/secret-box.ts";
import type { AppSettings } from "../../../../durable/registry/apps.repo.ts";
import { forgetApp } from "../../../lib/app-records.ts";
import { appActor, registry } from "../../../../core/actors.ts";
import { appRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../lib/schemas.ts";
import { ok } from "../../../lib/envelope.ts";
import { ApiError, appNotFound } from "../../../lib/errors.ts";
import { AppRecordSchema, toAppView, UpdateAppBody } from "./schema.ts";

const route = appRoute("config:write", {
  method: "patch",
  path: "/{app}",
  tags: ["apps"],
  summary: "Change an app's settings",
  description:
    "Merges the given fields into the app. `callbackSecret` is stored encrypted in the app's own database and only ever shown masked; `null` clears it.",
  request: { body: { required: true, content: { "application/json": { schema: UpdateAppBody } } } },
  responses: {
    200: { description: "The app after the change", content: { "application/json": { schema: envelopeSchema(AppRecordSchema) } } },
    409: errorResponse("The room prefix is taken by another app (room_prefix_taken)"),
    ...commonErrorResponses,
  },
});

export const registerAppsUpdate = (app: App) =>
  app.openapi(route, async (c) => {
    const { app: name } = c.req.valid("param");
    const { displayName, roomPrefix, callbackSecret, ...settings } = c.req.valid("json");
    const current = c.get("app");

    const changes: AppSettings = { ...settings };
    if (settings.features) changes.features = { ...current.settings.features, ...settings.features };
    if (settings.branding) changes.branding = { ...current.settings.branding, ...settings.branding };
    if (callbackSecret !== undefined) changes.callbackSecretMasked = callbackSecret === null ? null : maskSecret(callbackSecret);

    const updated = await registry(c.env).updateApp(name, { displayName, roomPrefix, settings: changes });
    forgetApp(name);
    if (!updated.ok) {
      if (updated.code === "app_not_found") throw appNotFound(name);
      throw new ApiError("room_prefix_taken", `the room prefix "${roomPrefix}" is another app's, or overlaps one (a prefix followed by "-" may not start another)`);
    }

    // The registry row is the record; the actor follows. PATCH is idempotent, so
    // if this part fails the caller's retry converges both.
    const actor = appActor(c.env, name);
    if (callbackSecret !== undefined) await actor.setSecret("callbackSecret", callbackSecret);
    if (roomPrefix !== undefined && roomPrefix !== current.livekitRoomPrefix) await actor.rename(roomPrefix);
    // The legacy callback settings are one webhook endpoint (API.md decision 7).
    // A new secret alone re-keys the existing legacy endpoint too, as the original signed with the current one.
    if (settings.callbackUrl !== undefined) await actor.syncLegacyCallback(settings.callbackUrl, callbackSecret);
    else if (callbackSecret && current.settings.callbackUrl) await actor.syncLegacyCallback(current.settings.callbackUrl, callbackSecret);
    return ok(c, toAppView(updated.value));
  });
