import { registry } from "../../../../core/actors.ts";
import { protectedRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses, pageSchema } from "../../../lib/schemas.ts";
import { page } from "../../../lib/envelope.ts";
import { pageQuery } from "../../../lib/pagination.ts";
import { ApiTokenSchema } from "./schema.ts";
import { withAppName } from "./view.ts";

const route = protectedRoute("token:read", {
  method: "get",
  path: "/",
  tags: ["tokens"],
  summary: "List API tokens",
  description: "Superadmins see every token; a tenant's owners see their tenant's. Token values are never shown again.",
  request: { query: pageQuery() },
  responses: {
    200: { description: "A page of tokens, newest first", content: { "application/json": { schema: pageSchema(ApiTokenSchema) } } },
    ...commonErrorResponses,
  },
});

export const registerTokensList = (app: App) =>
  app.openapi(route, async (c) => {
    const { limit, offset } = c.req.valid("query");
    const auth = c.get("auth");
    const { tokens, total } = await registry(c.env).listTokens(auth.isSuperadmin ? {} : { tenantId: auth.tenantId ?? "" }, limit, offset);
    const names = new Map<number, string | null>();
    const views = [];
    for (const token of tokens) views.push(await withAppName(c.env, token, names));
    return page(c, views, total, limit, offset);
  });
