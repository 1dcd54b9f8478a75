import { verifyPassword } from "../../../../core/crypto/password.ts";
import { digestsEqual } from "../../../lib/auth/compare.ts";
import { registry } from "../../../../core/actors.ts";
import { publicRoute, type App } from "../../../lib/app.ts";
import { adminBinding, SESSION_TTL_MS, signSessionJwt } from "../../../lib/auth/jwt.ts";
import { commonErrorResponses, envelopeSchema, errorResponse, ok } from "../../../lib/envelope.ts";
import { ApiError } from "../../../lib/errors.ts";
import { LoginBody, LoginResultSchema } from "./schema.ts";
import { admitPasswordAttempt } from "./throttle.ts";

const route = publicRoute({
  method: "post",
  path: "/login",
  tags: ["auth"],
  summary: "Log in to the dashboard",
  description:
    "Exchanges an email and password (or the break-glass ADMIN_USER / ADMIN_PASS) for a 12-hour session JWT. Failures are throttled per address and per account (AUTH_RATE_LIMIT_MAX per AUTH_RATE_LIMIT_WINDOW_MS).",
  request: { body: { required: true, content: { "application/json": { schema: LoginBody } } } },
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
    const config = c.var.config;
    const secret = config.STREAMHUB_JWT_SECRET;
    if (!secret) throw new ApiError("login_disabled", "login is off: STREAMHUB_JWT_SECRET is not set");
    const { user, password } = c.req.valid("json");
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
