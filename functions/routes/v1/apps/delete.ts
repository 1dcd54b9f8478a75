import { appActor, registry } from "../../../../core/actors.ts";
import { forgetApp } from "../../../lib/app-records.ts";
import { forgetTokenCounts } from "../../../lib/token-traffic.ts";
import { appRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema } from "../../../lib/schemas.ts";
import { ok } from "../../../lib/envelope.ts";
import { forgetTokens } from "../../../lib/auth/authenticate.ts";
import { appNotFound } from "../../../lib/errors.ts";
import { DeleteAppQuery, DeletedAppSchema, APP_NAME } from "./schema.ts";

const route = appRoute("app:delete", {
  method: "delete",
  path: "/{app}",
  tags: ["apps"],
  summary: "Delete an app",
  description: "Removes the app and its API tokens, then wipes the app's own database. A later create of the same name starts empty.",
  request: { query: DeleteAppQuery },
  responses: {
    200: { description: "Deleted", content: { "application/json": { schema: envelopeSchema(DeletedAppSchema) } } },
    ...commonErrorResponses,
  },
});

export const registerAppsDelete = (app: App) =>
  app.openapi(route, async (c) => {
    const { app: name } = c.req.valid("param");
    if (!APP_NAME.test(name) || !(await registry(c.env).deleteApp(name))) throw appNotFound(name);
    forgetApp(name);
    forgetTokenCounts(name);
    // Its tokens went with it; stop honouring cached ones now.
    forgetTokens((principal) => principal.appName === name);
    // The app is gone from the API from here on. Should the wipe fail, the
    // next create of this name wipes again before it starts (the create route).
    await appActor(c.env, name).wipe();
    return ok(c, { deleted: true as const, name });
  });
