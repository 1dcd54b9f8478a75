import { z } from "@hono/zod-openapi";
import { registry } from "../../../../core/actors.ts";
import { protectedRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../lib/schemas.ts";
import { ok } from "../../../lib/envelope.ts";
import { forgetSessions } from "../../../lib/auth/authenticate.ts";
import { ApiError } from "../../../lib/errors.ts";
import { SessionParams, SessionSchema } from "./schema.ts";

// A user's own dashboard sessions: list them, or end one (logout.ts ends this
// one). A superadmin may end anyone's session.

const listRoute = protectedRoute("authenticated", {
  method: "get",
  path: "/sessions",
  tags: ["auth"],
  summary: "List my live sessions",
  responses: {
    200: { description: "Live sessions, newest first", content: { "application/json": { schema: envelopeSchema(z.array(SessionSchema)) } } },
    ...commonErrorResponses,
  },
});

const revokeRoute = protectedRoute("authenticated", {
  method: "delete",
  path: "/sessions/{sessionId}",
  tags: ["auth"],
  summary: "End a session",
  description: "Its JWT stops working within seconds (verified sessions are cached briefly).",
  request: { params: SessionParams },
  responses: {
    204: { description: "Ended" },
    404: errorResponse("No such session of the caller's"),
    ...commonErrorResponses,
  },
});

export function registerAuthSessions(app: App) {
  app.openapi(listRoute, async (c) => {
    const auth = c.get("auth");
    if (auth.via === "api_token") return ok(c, []);
    const sessions = await registry(c.env).listSessions(auth.userId);
    return ok(c, sessions.map((session) => ({ ...session, current: session.id === auth.sessionId })));
  });

  app.openapi(revokeRoute, async (c) => {
    const { sessionId } = c.req.valid("param");
    const auth = c.get("auth");
    const session = await registry(c.env).getSession(sessionId);
    if (!session || (!auth.isSuperadmin && session.userId !== auth.userId)) {
      throw new ApiError("session_not_found", `session "${sessionId}" not found`);
    }
    await registry(c.env).revokeSession(sessionId);
    forgetSessions(({ session }) => session.id === sessionId);
    return c.body(null, 204);
  });
}
