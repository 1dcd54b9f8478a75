import { protectedRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema } from "../../../lib/schemas.ts";
import { ok } from "../../../lib/envelope.ts";
import { AuthContextSchema } from "./schema.ts";

const route = protectedRoute("authenticated", {
  method: "get",
  path: "/me",
  tags: ["auth"],
  summary: "Who the credential speaks for",
  responses: {
    200: { description: "The caller", content: { "application/json": { schema: envelopeSchema(AuthContextSchema) } } },
    ...commonErrorResponses,
  },
});

export const registerAuthMe = (app: App) => app.openapi(route, (c) => ok(c, c.get("auth")));
