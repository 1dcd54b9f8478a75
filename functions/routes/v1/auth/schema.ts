import { z } from "@hono/zod-openapi";

export const LoginBody = z
  .strictObject({
    user: z.string().trim().min(1).max(254).openapi({ description: "Email address, or the break-glass ADMIN_USER" }),
    password: z.string().min(1).max(1024),
    code: z.string().max(16).optional().openapi({ description: "Reserved for TOTP; not used yet" }),
  })
  .openapi("Login");

export const LoginResultSchema = z
  .object({
    token: z.string().openapi({ description: "HS256 JWT; send as `Authorization: Bearer <token>`" }),
    expiresAt: z.string(),
    sessionId: z.string(),
  })
  .openapi("LoginResult");

export const AuthContextSchema = z
  .object({
    userId: z.string(),
    tenantId: z.string().nullable(),
    role: z.enum(["owner", "editor", "viewer", "superadmin", "service"]).nullable(),
    isSuperadmin: z.boolean(),
    scope: z.enum(["global", "app", "user"]),
    via: z.enum(["api_token", "admin_jwt", "user_jwt"]),
    email: z.string().optional(),
    appId: z.number().int().nullable().optional(),
    appName: z.string().nullable().optional(),
    tokenId: z.string().optional(),
    sessionId: z.string().optional(),
  })
  .openapi("AuthContext");

export const SessionSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    createdAt: z.string(),
    expiresAt: z.string(),
    revokedAt: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    current: z.boolean(),
  })
  .openapi("Session");

export const SessionParams = z.object({ sessionId: z.string().openapi({ param: { name: "sessionId", in: "path" } }) });

/** The shortest password StreamHub accepts (users/schema.ts holds admins to the same 12). */
export const MIN_PASSWORD_LENGTH = 12;

export const ChangePasswordBody = z
  .strictObject({
    currentPassword: z.string().min(1).max(1024),
    newPassword: z.string().min(1).max(1024).openapi({ description: `At least ${MIN_PASSWORD_LENGTH} characters, not the current one, not the email address` }),
  })
  .openapi("ChangePassword");

export const ChangePasswordResultSchema = LoginResultSchema.extend({
  sessionsEnded: z.number().int().openapi({ description: "How many sessions the change ended (every one of the user's, this one included; `token` is this browser's new one)" }),
}).openapi("ChangePasswordResult");
