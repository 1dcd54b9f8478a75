import { z } from "@hono/zod-openapi";
import { isValidIpRule } from "../../../../core/net.ts";

export const TokenParams = z.object({ tokenId: z.string().openapi({ param: { name: "tokenId", in: "path" }, example: "tok_3kT9…" }) });

export const ApiTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scope: z.enum(["global", "app"]),
    appId: z.number().int().nullable(),
    app: z.string().nullable().openapi({ description: "The name of the app an app-scoped token is bound to" }),
    tenantId: z.string().nullable(),
    allowedIps: z.array(z.string()),
    lastUsedAt: z.string().nullable().openapi({ description: "Recorded at most once a minute" }),
    createdAt: z.string(),
    revoked: z.boolean(),
  })
  .openapi("ApiToken");

export const CreatedApiTokenSchema = ApiTokenSchema.extend({
  token: z.string().openapi({ description: "The token itself: shown this once, stored only as a SHA-256 hash" }),
}).openapi("CreatedApiToken");

export const CreateTokenBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    scope: z.enum(["global", "app"]),
    appId: z
      .union([z.number().int().positive(), z.string().min(1).max(64)])
      .optional()
      .openapi({ description: "The app's numeric id or its name; required when scope is `app`" }),
    allowedIps: z
      .array(z.string().max(64).refine(isValidIpRule, "must be an IPv4/IPv6 address or CIDR range"))
      .max(100)
      .default([])
      .openapi({ description: "Addresses or CIDR ranges the token may be used from; empty means anywhere" }),
  })
  .refine((body) => body.scope === "global" || body.appId !== undefined, { message: "appId is required when scope is app", path: ["appId"] })
  .refine((body) => body.scope === "app" || body.appId === undefined, { message: "a global token takes no appId", path: ["appId"] })
  .openapi("CreateToken");

