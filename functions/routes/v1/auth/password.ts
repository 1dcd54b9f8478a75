import { hashPassword, verifyPassword } from "../../../../core/crypto/password.ts";
import { registry } from "../../../../core/actors.ts";
import { protectedRoute, type App } from "../../../lib/app.ts";
import { forgetSessions } from "../../../lib/auth/authenticate.ts";
import { SESSION_TTL_MS, signSessionJwt } from "../../../lib/auth/jwt.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../lib/schemas.ts";
import { ok } from "../../../lib/envelope.ts";
import { ApiError } from "../../../lib/errors.ts";
import { ChangePasswordBody, ChangePasswordResultSchema, MIN_PASSWORD_LENGTH } from "./schema.ts";
import { admitPasswordAttempt } from "./throttle.ts";

const route = protectedRoute("authenticated", {
  method: "post",
  path: "/password",
  tags: ["auth"],
  summary: "Change my own password",
  description:
    "For a signed-in user (not the break-glass admin, whose password is ADMIN_PASS, nor an API token). " +
    "Every session of the user ends, this one included; the answer carries a new session token for the browser that made the change. " +
    "Wrong current passwords count against the same throttle as failed logins (per address and per account).",
  request: { body: { required: true, content: { "application/json": { schema: ChangePasswordBody } } } },
  responses: {
    200: { description: "Changed; other sessions ended", content: { "application/json": { schema: envelopeSchema(ChangePasswordResultSchema) } } },
    ...commonErrorResponses,
    400: errorResponse("`weak_password`: the new password is under 12 characters, the current one or the email address; or validation_failed / malformed_json"),
    403: errorResponse("`wrong_password`: the current password is not the account's; `forbidden`: the caller has no password here (break-glass admin, API token)"),
    429: errorResponse("Too many wrong passwords for this account or from this address; see Retry-After"),
    503: errorResponse("Login is off: STREAMHUB_JWT_SECRET is not set"),
  },
});

export const registerAuthPassword = (app: App) =>
  app.openapi(route, async (c) => {
    const auth = c.get("auth");
    const config = c.get("config");
    const secret = config.STREAMHUB_JWT_SECRET;
    if (!secret) throw new ApiError("login_disabled", "login is off: STREAMHUB_JWT_SECRET is not set");
    // Users, superadmin users included (their JWTs say admin_jwt too); not the break-glass "admin", not tokens.
    if (auth.via === "api_token" || auth.userId === "admin" || !auth.email) {
      const why = auth.via === "api_token" ? "an API token has no password" : "the break-glass admin's password is ADMIN_PASS in the node's configuration";
      throw new ApiError("forbidden", `only a signed-in user can change their own password: ${why}`);
    }
    const { currentPassword, newPassword } = c.req.valid("json");

    const attempt = await admitPasswordAttempt(c, auth.email);
    // One hash check whatever happens (verifyPassword costs the same for a missing hash).
    const credentials = await registry(c.env).credentialsByEmail(auth.email.toLowerCase());
    const matches = await verifyPassword(currentPassword, credentials?.passwordHash ?? null);
    if (!matches || credentials?.id !== auth.userId || credentials.status !== "active") {
      throw new ApiError("wrong_password", "the current password is wrong");
    }
    await attempt.succeeded();

    const weak = weakness(newPassword, currentPassword, auth.email);
    if (weak) throw new ApiError("weak_password", weak);

    // Changing the hash ends every session of the user (the Registry does it with the update).
    const sessionsEnded = (await registry(c.env).listSessions(auth.userId)).length;
    await registry(c.env).updateUser(auth.userId, { passwordHash: await hashPassword(newPassword) });
    forgetSessions((session) => session.user.id === auth.userId);
    const session = await registry(c.env).createSession({ userId: auth.userId, ttlMs: SESSION_TTL_MS, ip: attempt.ip, userAgent: c.req.header("User-Agent") ?? null });
    const token = await signSessionJwt(secret, { sub: auth.userId, sid: session.id, expiresAt: new Date(session.expiresAt) });
    return ok(c, { token, expiresAt: session.expiresAt, sessionId: session.id, sessionsEnded });
  });

/** Why `password` will not do as the new one, or null. */
function weakness(password: string, current: string, email: string): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `the new password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password === current) return "the new password is the current one";
  if (password.trim().toLowerCase() === email.toLowerCase()) return "the new password is your email address";
  return null;
}
