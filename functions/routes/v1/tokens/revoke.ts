import { registry } from "../../../../core/actors.ts";
import { protectedRoute, type App } from "../../../lib/app.ts";
import { CREDENTIAL_CACHE_MS, forgetTokens } from "../../../lib/auth/authenticate.ts";
import { commonErrorResponses, errorResponse } from "../../../lib/schemas.ts";
import { ApiError } from "../../../lib/errors.ts";
import { TokenParams } from "./schema.ts";

const route = protectedRoute("token:delete", {
  method: "delete",
  path: "/{tokenId}",
  tags: ["tokens"],
  summary: "Revoke an API token",
  description: `The token stops working at once on this node's Worker, and everywhere within ${CREDENTIAL_CACHE_MS / 1000} seconds (the time another isolate may keep a verified token cached). Revoked tokens stay listed.`,
  request: { params: TokenParams },
  responses: {
    204: { description: "Revoked (also when it already was)" },
    404: errorResponse("No such token (or not visible to the caller)"),
    ...commonErrorResponses,
  },
});

export const registerTokensRevoke = (app: App) =>
  app.openapi(route, async (c) => {
    const { tokenId } = c.req.valid("param");
    const auth = c.get("auth");
    const token = await registry(c.env).getToken(tokenId);
    const visible = token !== null && (auth.isSuperadmin || (auth.scope !== "app" && token.scope === "app" && token.tenantId === auth.tenantId));
    if (!visible) throw new ApiError("token_not_found", `token "${tokenId}" not found`);
    await registry(c.env).revokeToken(tokenId);
    forgetTokens((principal) => principal.tokenId === tokenId);
    return c.body(null, 204);
  });

