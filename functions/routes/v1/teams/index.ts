import { registry } from "../../../../core/actors.ts";
import { newApp, protectedRoute } from "../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema } from "../../../lib/schemas.ts";
import { created, ok } from "../../../lib/envelope.ts";
import { ApiError } from "../../../lib/errors.ts";
import { addMember } from "../tenants/members.ts";
import { AddMemberBody } from "../tenants/schema.ts";
import { usageReport } from "../tenants/usage-report.ts";
import { UserSchema } from "../users/schema.ts";
import { MyTeamSchema } from "./schema.ts";

// The caller's own tenant, as the original StreamHub's dashboard reads it.

const getRoute = protectedRoute("usage:read", {
  method: "get",
  path: "/mine",
  tags: ["tenants"],
  summary: "My team: the tenant, its members and its usage",
  responses: {
    200: {
      description: "The caller's tenant",
      content: { "application/json": { schema: envelopeSchema(MyTeamSchema) } },
    },
    ...commonErrorResponses,
  },
});

const addRoute = protectedRoute("member:create", {
  method: "post",
  path: "/mine/members",
  tags: ["tenants"],
  summary: "Invite a member to my team",
  request: { body: { required: true, content: { "application/json": { schema: AddMemberBody } } } },
  responses: { 201: { description: "The member", content: { "application/json": { schema: envelopeSchema(UserSchema) } } }, ...commonErrorResponses },
});

async function myTenant(env: Env, tenantId: string | null) {
  const tenant = tenantId ? await registry(env).getTenant(tenantId) : null;
  if (!tenant) throw new ApiError("tenant_not_found", "the caller belongs to no tenant");
  return tenant;
}

/** /api/v1/teams */
export const teamsApi = newApp();

teamsApi.openapi(getRoute, async (c) => {
  const tenant = await myTenant(c.env, c.get("auth").tenantId);
  const { users } = await registry(c.env).listUsers({ tenantId: tenant.id }, 1000, 0);
  return ok(c, { team: tenant, members: users, usage: await usageReport(c.env, tenant) });
});

teamsApi.openapi(addRoute, async (c) => {
  const tenant = await myTenant(c.env, c.get("auth").tenantId);
  return created(c, await addMember(c.env, c.get("auth"), tenant.id, c.req.valid("json")));
});
