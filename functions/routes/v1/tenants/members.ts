import { z } from "@hono/zod-openapi";
import { registry } from "../../../../core/actors.ts";
import { protectedRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse, pageSchema } from "../../../lib/schemas.ts";
import { created, ok, page } from "../../../lib/envelope.ts";
import { forgetSessions, type AuthContext } from "../../../lib/auth/authenticate.ts";
import { ApiError } from "../../../lib/errors.ts";
import { pageQuery } from "../../../lib/pagination.ts";
import { UserSchema } from "../users/schema.ts";
import { AddMemberBody, MemberParams, TenantParams, UpdateMemberBody } from "./schema.ts";

// A tenant's people. Owners invite (an unknown email becomes a pending user),
// change roles and remove members; a tenant always keeps at least one owner.

const listRoute = protectedRoute("member:read", {
  method: "get",
  path: "/{tenantId}/members",
  tags: ["tenants"],
  summary: "List a tenant's members",
  request: { params: TenantParams, query: pageQuery() },
  responses: { 200: { description: "Members", content: { "application/json": { schema: pageSchema(UserSchema) } } }, 404: errorResponse("No such tenant"), ...commonErrorResponses },
});

const addRoute = protectedRoute("member:create", {
  method: "post",
  path: "/{tenantId}/members",
  tags: ["tenants"],
  summary: "Add (invite) a member",
  request: { params: TenantParams, body: { required: true, content: { "application/json": { schema: AddMemberBody } } } },
  responses: {
    201: { description: "The member", content: { "application/json": { schema: envelopeSchema(UserSchema) } } },
    404: errorResponse("No such tenant"),
    409: errorResponse("The person belongs to another tenant (member_of_another_tenant; a superadmin can move them) or is its last owner (last_owner)"),
    ...commonErrorResponses,
  },
});

const updateRoute = protectedRoute("member:write", {
  method: "patch",
  path: "/{tenantId}/members/{userId}",
  tags: ["tenants"],
  summary: "Change a member's role",
  request: { params: MemberParams, body: { required: true, content: { "application/json": { schema: UpdateMemberBody } } } },
  responses: {
    200: { description: "The member", content: { "application/json": { schema: envelopeSchema(UserSchema) } } },
    404: errorResponse("No such member"),
    409: errorResponse("That would leave the tenant without an owner (last_owner)"),
    ...commonErrorResponses,
  },
});

const removeRoute = protectedRoute("member:delete", {
  method: "delete",
  path: "/{tenantId}/members/{userId}",
  tags: ["tenants"],
  summary: "Remove a member",
  description: "Ends the member's sessions.",
  request: { params: MemberParams },
  responses: {
    200: { description: "Removed", content: { "application/json": { schema: envelopeSchema(z.object({ userId: z.string(), removed: z.literal(true) })) } } },
    404: errorResponse("No such member"),
    409: errorResponse("That would leave the tenant without an owner (last_owner)"),
    ...commonErrorResponses,
  },
});

const memberError = (code: "member_not_found" | "last_owner" | "tenant_not_found" | "member_of_another_tenant", id: string) =>
  new ApiError(
    code,
    {
      last_owner: "a tenant must keep at least one owner",
      member_of_another_tenant: "that person belongs to another tenant; a superadmin can move them",
      tenant_not_found: `tenant "${id}" not found`,
      member_not_found: `member "${id}" not found`,
    }[code],
  );

/** Adds a member; shared by /tenants/{id}/members and /teams/mine/members. Only superadmins move people between tenants. */
export async function addMember(env: Env, auth: AuthContext, tenantId: string, body: z.output<typeof AddMemberBody>) {
  const result = await registry(env).addMember(tenantId, body.email, body.role, { mayMove: auth.isSuperadmin });
  if (!result.ok) throw memberError(result.code, result.code === "tenant_not_found" ? tenantId : body.email);
  forgetSessions(({ user }) => user.id === result.value.id);
  return result.value;
}

export function registerMembers(app: App) {
  app.openapi(listRoute, async (c) => {
    const { tenantId } = c.req.valid("param");
    const { limit, offset } = c.req.valid("query");
    if (!(await registry(c.env).getTenant(tenantId))) throw memberError("tenant_not_found", tenantId);
    const { users, total } = await registry(c.env).listUsers({ tenantId }, limit, offset);
    return page(c, users, total, limit, offset);
  });

  app.openapi(addRoute, async (c) => {
    const { tenantId } = c.req.valid("param");
    return created(c, await addMember(c.env, c.get("auth"), tenantId, c.req.valid("json")));
  });

  app.openapi(updateRoute, async (c) => {
    const { tenantId, userId } = c.req.valid("param");
    const result = await registry(c.env).setMemberRole(tenantId, userId, c.req.valid("json").role);
    if (!result.ok) throw memberError(result.code, userId);
    // The cached session carries the old role.
    forgetSessions(({ user }) => user.id === userId);
    return ok(c, result.value);
  });

  app.openapi(removeRoute, async (c) => {
    const { tenantId, userId } = c.req.valid("param");
    const result = await registry(c.env).removeMember(tenantId, userId);
    if (!result.ok) throw memberError(result.code, userId);
    forgetSessions(({ user }) => user.id === userId);
    return ok(c, { userId, removed: true as const });
  });
}
