import { registry } from "../../../../core/actors.ts";
import { protectedRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../lib/schemas.ts";
import { created } from "../../../lib/envelope.ts";
import { ApiError, appNotFound } from "../../../lib/errors.ts";
import { CreatedApiTokenSchema, CreateTokenBody } from "./schema.ts";
import { withAppName } from "./view.ts";

const route = protectedRoute("token:create", {
  method: "post",
  path: "/",
  tags: ["tokens"],
  summary: "Create an API token",
  description:
    "Returns the token once. `global` tokens (superadmins only) may do anything; `app` tokens act only on their app and are bound by its tenant's quotas. `allowedIps` limits where the token may be used from.",
  request: { body: { required: true, content: { "application/json": { schema: CreateTokenBody } } } },
  responses: {
    201: { description: "The new token, with its value", content: { "application/json": { schema: envelopeSchema(CreatedApiTokenSchema) } } },
    404: errorResponse("No such app (or not visible to the caller)"),
    ...commonErrorResponses,
  },
});

export const registerTokensCreate = (app: App) =>
  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    const auth = c.get("auth");
    if (auth.scope === "app") throw new ApiError("forbidden", "an app-scoped token may not create tokens");

    let appId: number | null = null;
    // Global tokens are the platform's, whoever minted them; app tokens belong to the app's tenant.
    let tenantId = "platform";
    if (body.scope === "global") {
      if (!auth.isSuperadmin) throw new ApiError("forbidden", "only a superadmin may create global tokens");
    } else {
      const { apps } =
        typeof body.appId === "number" ? await registry(c.env).listApps({ appId: body.appId }, 1, 0) : { apps: [await registry(c.env).getApp(String(body.appId))] };
      const target = apps[0] ?? null;
      if (!target || (!auth.isSuperadmin && target.tenantId !== auth.tenantId)) throw appNotFound(String(body.appId));
      appId = target.id;
      tenantId = target.tenantId ?? "platform";
    }
    const { token, view } = await registry(c.env).createToken({ name: body.name, scope: body.scope, appId, tenantId, allowedIps: body.allowedIps });
    return created(c, { ...(await withAppName(c.env, view)), token });
  });
