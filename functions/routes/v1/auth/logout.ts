import { registry } from "../../../../core/actors.ts";
import { protectedRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses } from "../../../lib/schemas.ts";
import { forgetSessions } from "../../../lib/auth/authenticate.ts";

const route = protectedRoute("authenticated", {
  method: "post",
  path: "/logout",
  tags: ["auth"],
  summary: "End the session this request is made with",
  responses: {
    204: { description: "Logged out" },
    ...commonErrorResponses,
  },
});

export const registerAuthLogout = (app: App) =>
  app.openapi(route, async (c) => {
    const sessionId = c.get("auth").sessionId;
    if (sessionId) {
      await registry(c.env).revokeSession(sessionId);
      forgetSessions(({ session }) => session.id === sessionId);
    }
    return c.body(null, 204);
  });
