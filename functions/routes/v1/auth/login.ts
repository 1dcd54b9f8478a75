import { z } from "@hono/zod-openapi";
import { verifyPassword } from "../../../../core/crypto/password.ts";
import { digestsEqual } from "../../../lib/auth/compare.ts";
import { registry } from "../../../../core/actors.ts";
import { publicRoute, type App } from "../../../lib/app.ts";
import { adminBinding, SESSION_TTL_MS, signSessionJwt } from "../../../lib/auth/jwt.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../lib/schemas.ts";
import { ok } from "../../../lib/envelope.ts";
import { ApiError } from "../../../lib/errors.ts";
import { LoginBody, LoginResultSchema } from "./schema.ts";
import { admitPasswordAttempt } from "./throttle.ts";

/**
 * The original dashboard posts `{"user","email","password"}` with the same
 * value in both keys, so `email` is an alias of `user`. Two different values
 * are refused: picking one would sign in an account the caller did not mean.
 * Other unknown keys are still refused (a typo in a login is worth a 400).
 */
const CompatLoginBody = LoginBody.partial({ user: true })
  .extend({ email: z.string().trim().min(1).max(254).optional().openapi({ description: "Alias of `user` (the original dashboard sends both, equal)" }) })
  .superRefine((body, ctx) => {
    if (body.user === undefined && body.email === undefined) ctx.addIssue({ code: "custom", path: ["user"], message: "give user (or its alias email)" });
    else if (body.user !== undefined && body.email !== undefined && body.user.toLowerCase() !== body.email.toLowerCase()) {
      ctx.addIssue({ code: "custom", path: ["email"], message: "user and email name different accounts; send one of them (email is an alias of user)" });
    }
  })
  .openapi("Login");

const route = publicRoute({
  method: "post",
  path: "/login",
  tags: ["auth"],
  summary: "Log in to the dashboard",
  description:
    "Exchanges an email and password (or the break-glass ADMIN_USER / ADMIN_PASS) for a 12-hour session JWT. `email` is an alias of `user`, as the original dashboard sends both; two different values are a 400. Failures are throttled per address and per account (AUTH_RATE_LIMIT_MAX per AUTH_RATE_LIMIT_WINDOW_MS).",
  request: { body: { required: true, content: { "application/json": { schema: CompatLoginBody } } } },
  responses: {
    200: { description: "Logged in", content: { "application/json": { schema: envelopeSchema(LoginResultSchema) } } },
    401: errorResponse("Wrong user or password (the same answer for both)"),
    429: errorResponse("Too many failed attempts; see Retry-After"),
    503: errorResponse("Login is off: STREAMHUB_JWT_SECRET is not set"),
    400: commonErrorResponses[400],
    413: commonErrorResponses[413],
    415: commonErrorResponses[415],
  },
});

const invalidCredentials = () => new ApiError("invalid_credentials", "wrong user or password");

export const registerAuthLogin = (app: App) =>
  app.openapi(route, async (c) => {
    const config = c.get("config");
    const secret = config.STREAMHUB_JWT_SECRET;
    if (!secret) throw new ApiError("login_disabled", "login is off: STREAMHUB_JWT_SECRET is not set");
    const body = c.req.valid("json");
    const user = (body.user ?? body.email)!;
    const password = body.password;
    const account = user.toLowerCase();
    const attempt = await admitPasswordAttempt(c, account);

    // The break-glass admin and users go through the same steps (one hash check
    // each), so the time taken does not tell which accounts exist.
    let userId: string | null = null;
    if (config.ADMIN_USER && config.ADMIN_PASS && (await digestsEqual(user, config.ADMIN_USER))) {
      await verifyPassword(password, null);
      if (await digestsEqual(password, config.ADMIN_PASS)) userId = "admin";
    } else {
      const credentials = await registry(c.env).credentialsByEmail(account);
      const matches = await verifyPassword(password, credentials?.passwordHash ?? null);
      if (matches && credentials?.status === "active") userId = credentials.id;
    }

    if (userId === null) throw invalidCredentials();
    await attempt.succeeded();
    const session = await registry(c.env).createSession({ userId, ttlMs: SESSION_TTL_MS, ip: attempt.ip, userAgent: c.req.header("User-Agent") ?? null });
    const binding = userId === "admin" ? await adminBinding(config.ADMIN_USER!, config.ADMIN_PASS!) : undefined;
    const token = await signSessionJwt(secret, { sub: userId, sid: session.id, expiresAt: new Date(session.expiresAt), adminBinding: binding });
    return ok(c, { token, expiresAt: session.expiresAt, sessionId: session.id });
  });
