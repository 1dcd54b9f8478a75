import { appActor, registry } from "../../../../core/actors.ts";
import { forgetApp } from "../../../lib/app-records.ts";
import { protectedRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../lib/schemas.ts";
import { created } from "../../../lib/envelope.ts";
import { ApiError, quotaExceeded } from "../../../lib/errors.ts";
import { quotaEnforced, recordOverLimit } from "../../../lib/quota.ts";
import { AppRecordSchema, CreateAppBody, toAppView } from "./schema.ts";

const route = protectedRoute("app:create", {
  method: "post",
  path: "/",
  tags: ["apps"],
  summary: "Create an app",
  description:
    "Creates the app in the caller's tenant (superadmins may name one). `roomPrefix` defaults to the name. Counts against the tenant's `maxApps`. The app's own database is created at its first use.",
  request: { body: { required: true, content: { "application/json": { schema: CreateAppBody } } } },
  responses: {
    201: { description: "The new app", content: { "application/json": { schema: envelopeSchema(AppRecordSchema) } } },
    409: errorResponse("The name or the room prefix is taken (app_exists, room_prefix_taken)"),
    429: errorResponse("The tenant's maxApps quota is used up (quota_exceeded, with metric, limit, used)"),
    ...commonErrorResponses,
  },
});

export const registerAppsCreate = (app: App) =>
  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    const auth = c.get("auth");
    const roomPrefix = body.roomPrefix ?? body.name;
    // Members create apps in their own tenant; superadmins may name any tenant.
    const tenantId = auth.isSuperadmin ? (body.tenantId ?? "platform") : auth.tenantId;
    if (tenantId === null) throw new ApiError("forbidden", "the caller belongs to no tenant");
    // One Registry call checks the tenant, its maxApps and the name, and creates the row (two for a deleted app's name).
    const app = { name: body.name, displayName: body.displayName ?? body.name, roomPrefix, tenantId };
    let result = await registry(c.env).createApp(app, { enforce: quotaEnforced(c) });
    if (!result.ok && result.code === "name_retired") {
      // A deleted app's name: what that app left in its database goes before the name is anyone's again.
      await appActor(c.env, body.name).clearForReuse();
      result = await registry(c.env).createApp(app, { enforce: quotaEnforced(c) }, { cleared: true });
    }
    if (!result.ok) {
      if (result.code === "tenant_not_found") throw new ApiError("tenant_not_found", `tenant "${tenantId}" does not exist`);
      if (result.code === "quota_exceeded") throw quotaExceeded("maxApps", result.limit, result.used);
      throw result.code === "app_exists"
        ? new ApiError("app_exists", `an app named "${body.name}" already exists`)
        : new ApiError("room_prefix_taken", `the room prefix "${roomPrefix}" is another app's, or overlaps one (a prefix followed by "-" may not start another)`);
    }
    if (result.overLimit) await recordOverLimit(c, tenantId, "maxApps", result.limit, result.used);

    // The app's own database is created at its first use (AppActor). A lookup of this name (or of a room under its prefix) may have been cached as "no such app".
    forgetApp(body.name);
    return created(c, toAppView(result.value));
  });
