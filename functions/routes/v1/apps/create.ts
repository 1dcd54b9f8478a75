import { appActor, registry } from "../../../lib/actors.ts";
import { protectedRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses, created, envelopeSchema, errorResponse } from "../../../lib/envelope.ts";
import { ApiError } from "../../../lib/errors.ts";
import { describeError, log } from "../../../lib/log.ts";
import { AppRecordSchema, CreateAppBody } from "./schema.ts";

const route = protectedRoute("app:create", {
  method: "post",
  path: "/api/v1/apps",
  tags: ["apps"],
  summary: "Create an app",
  description: "Creates the app's registry row and its own actor database. `roomPrefix` defaults to the name.",
  request: { body: { required: true, content: { "application/json": { schema: CreateAppBody } } } },
  responses: {
    201: { description: "The new app", content: { "application/json": { schema: envelopeSchema(AppRecordSchema) } } },
    409: errorResponse("The name or the room prefix is taken (app_exists, room_prefix_taken)"),
    ...commonErrorResponses,
  },
});

export const registerAppsCreate = (app: App) =>
  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    const roomPrefix = body.roomPrefix ?? body.name;
    const result = await registry(c.env).createApp({
      name: body.name,
      displayName: body.displayName ?? body.name,
      roomPrefix,
      tenantId: null,
    });
    if (!result.ok) {
      throw result.code === "app_exists"
        ? new ApiError(409, "app_exists", `an app named "${body.name}" already exists`)
        : new ApiError(409, "room_prefix_taken", `another app already uses the room prefix "${roomPrefix}"`);
    }

    try {
      await appActor(c.env, body.name).init({ name: body.name, roomPrefix });
    } catch (error) {
      // Without its database the app cannot work: take the registry row back so the create can be retried.
      log("error", "app actor init failed; rolling back the app", { requestId: c.var.requestId, app: body.name, ...describeError(error) });
      await registry(c.env).deleteApp(body.name);
      throw error;
    }
    return created(c, result.value);
  });
