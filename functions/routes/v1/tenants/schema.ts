import { z } from "@hono/zod-openapi";
import { PLAN_NAMES, QUOTA_METRICS, type QuotaMetric } from "../../../../durable/registry/plans.ts";
import { EmailSchema, ROLES } from "../users/schema.ts";

const quotaValue = z.number().int().min(-1).max(1_000_000_000).openapi({ description: "-1 is unlimited" });

const QuotasSchema = z.strictObject(Object.fromEntries(QUOTA_METRICS.map((m) => [m, quotaValue])) as Record<QuotaMetric, typeof quotaValue>).openapi("Quotas");

export const TenantSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    plan: z.enum(PLAN_NAMES as [string, ...string[]]),
    quotas: QuotasSchema.openapi({ description: "Effective limits: the plan's, with this tenant's overrides" }),
    quotaOverrides: QuotasSchema.partial(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Tenant");

export const TENANT_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

export const CreateTenantBody = z
  .strictObject({
    id: z.string().regex(TENANT_ID, "must be 2–63 characters of a-z, 0-9 and -").optional().openapi({ description: "Default: generated" }),
    name: z.string().trim().min(1).max(100),
    plan: z.enum(PLAN_NAMES as [string, ...string[]]).default("free"),
    quotas: QuotasSchema.partial().optional(),
  })
  .refine((body) => body.id !== "platform", { message: "platform is the operator's own tenant", path: ["id"] })
  .openapi("CreateTenant");

export const UpdateTenantBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    plan: z.enum(PLAN_NAMES as [string, ...string[]]),
    quotas: z.object(Object.fromEntries(QUOTA_METRICS.map((m) => [m, quotaValue.nullable()])) as Record<QuotaMetric, z.ZodNullable<typeof quotaValue>>).partial().strict(),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, "give at least one field to change")
  .openapi("UpdateTenant");

export const TenantParams = z.object({ tenantId: z.string().openapi({ param: { name: "tenantId", in: "path" }, example: "acme" }) });

export const MemberParams = TenantParams.extend({ userId: z.string().openapi({ param: { name: "userId", in: "path" } }) });

export const AddMemberBody = z.strictObject({ email: EmailSchema, role: z.enum(ROLES).default("viewer") }).openapi("AddMember");

export const UpdateMemberBody = z.strictObject({ role: z.enum(ROLES) }).openapi("UpdateMember");

const usageNumbers = z.object({
  apps: z.number(),
  concurrentStreams: z.number(),
  recordingMinutesMonth: z.number(),
  egressGbMonth: z.number(),
  storageGb: z.number(),
});

export const UsageReportSchema = z
  .object({
    tenantId: z.string(),
    plan: z.string(),
    quotas: QuotasSchema,
    usage: usageNumbers,
    exceeded: z.object(Object.fromEntries(QUOTA_METRICS.map((m) => [m, z.boolean()])) as Record<QuotaMetric, z.ZodBoolean>),
  })
  .openapi("UsageReport");
