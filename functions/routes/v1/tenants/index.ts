import { randomBytes, toBase64Url } from "../../../../core/crypto/encoding.ts";
import type { PlanName } from "../../../../durable/registry/plans.ts";
import { registry } from "../../../../core/actors.ts";
import { newApp, protectedRoute } from "../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse, pageSchema } from "../../../lib/schemas.ts";
import { created, ok, page } from "../../../lib/envelope.ts";
import { ApiError } from "../../../lib/errors.ts";
import { pageQuery } from "../../../lib/pagination.ts";
import { CreateTenantBody, TenantParams, TenantSchema, UpdateTenantBody, UsageReportSchema } from "./schema.ts";
import { registerMembers } from "./members.ts";
import { usageReport } from "./usage-report.ts";

const notFound = (id: string) => new ApiError("tenant_not_found", `tenant "${id}" not found`);

const listRoute = protectedRoute("superadmin", {
  method: "get",
  path: "/",
  tags: ["tenants"],
  summary: "List tenants",
  request: { query: pageQuery() },
  responses: { 200: { description: "A page of tenants", content: { "application/json": { schema: pageSchema(TenantSchema) } } }, ...commonErrorResponses },
});

const createRoute = protectedRoute("superadmin", {
  method: "post",
  path: "/",
  tags: ["tenants"],
  summary: "Create a tenant",
  description: "A tenant (team) owns apps and has members. Its limits are its plan's, with any `quotas` given here overriding them.",
  request: { body: { required: true, content: { "application/json": { schema: CreateTenantBody } } } },
  responses: {
    201: { description: "The new tenant", content: { "application/json": { schema: envelopeSchema(TenantSchema) } } },
    409: errorResponse("The id is taken (tenant_exists)"),
    ...commonErrorResponses,
  },
});

const getRoute = protectedRoute("tenant:read", {
  method: "get",
  path: "/{tenantId}",
  tags: ["tenants"],
  summary: "Get a tenant",
  request: { params: TenantParams },
  responses: {
    200: { description: "The tenant", content: { "application/json": { schema: envelopeSchema(TenantSchema) } } },
    404: errorResponse("No such tenant (or not the caller's)"),
    ...commonErrorResponses,
  },
});

const updateRoute = protectedRoute("superadmin", {
  method: "patch",
  path: "/{tenantId}",
  tags: ["tenants"],
  summary: "Change a tenant's name, plan or quota overrides",
  description: "A quota set to `null` falls back to the plan's value.",
  request: { params: TenantParams, body: { required: true, content: { "application/json": { schema: UpdateTenantBody } } } },
  responses: {
    200: { description: "The tenant", content: { "application/json": { schema: envelopeSchema(TenantSchema) } } },
    404: errorResponse("No such tenant"),
    ...commonErrorResponses,
  },
});

const usageRoute = protectedRoute("usage:read", {
  method: "get",
  path: "/{tenantId}/usage",
  tags: ["tenants"],
  summary: "A tenant's limits, usage and which limits are reached",
  request: { params: TenantParams },
  responses: {
    200: { description: "Usage report", content: { "application/json": { schema: envelopeSchema(UsageReportSchema) } } },
    404: errorResponse("No such tenant (or not the caller's)"),
    ...commonErrorResponses,
  },
});

/** /api/v1/tenants: tenants (teams), their usage, and their members (members.ts). */
export const tenantsApi = newApp();

tenantsApi.openapi(listRoute, async (c) => {
  const { limit, offset } = c.req.valid("query");
  const { tenants, total } = await registry(c.env).listTenants(limit, offset);
  return page(c, tenants, total, limit, offset);
});

tenantsApi.openapi(createRoute, async (c) => {
  const body = c.req.valid("json");
  const id = body.id ?? `t-${toBase64Url(randomBytes(6)).toLowerCase().replace(/[^a-z0-9]/g, "0")}`;
  const result = await registry(c.env).createTenant({ id, name: body.name, plan: body.plan as PlanName });
  if (!result.ok) throw new ApiError("tenant_exists", `a tenant "${id}" exists`);
  const tenant = body.quotas ? await registry(c.env).updateTenant(id, { quotas: body.quotas }) : result.value;
  return created(c, tenant!);
});

tenantsApi.openapi(getRoute, async (c) => {
  const { tenantId } = c.req.valid("param");
  const tenant = await registry(c.env).getTenant(tenantId);
  if (!tenant) throw notFound(tenantId);
  return ok(c, tenant);
});

tenantsApi.openapi(updateRoute, async (c) => {
  const { tenantId } = c.req.valid("param");
  const body = c.req.valid("json");
  const tenant = await registry(c.env).updateTenant(tenantId, { ...body, plan: body.plan as PlanName | undefined });
  if (!tenant) throw notFound(tenantId);
  return ok(c, tenant);
});

tenantsApi.openapi(usageRoute, async (c) => {
  const { tenantId } = c.req.valid("param");
  const tenant = await registry(c.env).getTenant(tenantId);
  if (!tenant) throw notFound(tenantId);
  return ok(c, await usageReport(c.env, tenant));
});

registerMembers(tenantsApi);
