import { z } from "@hono/zod-openapi";

export const ROLES = ["owner", "editor", "viewer"] as const;

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    status: z.enum(["active", "pending", "disabled"]),
    isSuperadmin: z.boolean(),
    tenantId: z.string().nullable(),
    role: z.enum(ROLES).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("User");

const email = z.email({ error: "must be an email address" }).max(254).transform((v) => v.toLowerCase());
const password = z.string().min(12, "must be at least 12 characters").max(1024);

export const CreateUserBody = z
  .strictObject({
    email,
    password: password.optional().openapi({ description: "Without one the user is `pending` and cannot log in" }),
    isSuperadmin: z.boolean().default(false),
    tenantId: z.string().min(1).max(64).optional().openapi({ description: "Make the user a member of this tenant" }),
    role: z.enum(ROLES).default("viewer"),
  })
  .openapi("CreateUser");

export const UpdateUserBody = z
  .strictObject({
    password,
    status: z.enum(["active", "disabled"]),
    isSuperadmin: z.boolean(),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, "give at least one field to change")
  .openapi("UpdateUser");

export const UserParams = z.object({ userId: z.string().openapi({ param: { name: "userId", in: "path" } }) });

export { email as EmailSchema };
