import { hashPassword } from "../../../../core/crypto/password.ts";
import { registry } from "../../../../core/actors.ts";
import { newApp, protectedRoute } from "../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse, pageSchema } from "../../../lib/schemas.ts";
import { created, ok, page } from "../../../lib/envelope.ts";
import { forgetSessions } from "../../../lib/auth/authenticate.ts";
import { ApiError } from "../../../lib/errors.ts";
import { pageQuery } from "../../../lib/pagination.ts";
import { CreateUserBody, UpdateUserBody, UserParams, UserSchema } from "./schema.ts";

// Users across all tenants: the operator's view (superadmin only). Tenant
// owners manage their own people through /tenants/{tenantId}/members.

const listRoute = protectedRoute("superadmin", {
  method: "get",
  path: "/",
  tags: ["users"],
  summary: "List users",
  request: { query: pageQuery() },
  responses: { 200: { description: "A page of users", content: { "application/json": { schema: pageSchema(UserSchema) } } }, ...commonErrorResponses },
});

const createRoute = protectedRoute("superadmin", {
  method: "post",
  path: "/",
  tags: ["users"],
  summary: "Create a user",
  description: "With a password the user is `active` and can log in; with `tenantId` the user also becomes a member with `role`.",
  request: { body: { required: true, content: { "application/json": { schema: CreateUserBody } } } },
  responses: {
    201: { description: "The new user", content: { "application/json": { schema: envelopeSchema(UserSchema) } } },
    409: errorResponse("The email is taken (user_exists)"),
    ...commonErrorResponses,
  },
});

const getRoute = protectedRoute("superadmin", {
  method: "get",
  path: "/{userId}",
  tags: ["users"],
  summary: "Get a user",
  request: { params: UserParams },
  responses: {
    200: { description: "The user", content: { "application/json": { schema: envelopeSchema(UserSchema) } } },
    404: errorResponse("No such user"),
    ...commonErrorResponses,
  },
});

const updateRoute = protectedRoute("superadmin", {
  method: "patch",
  path: "/{userId}",
  tags: ["users"],
  summary: "Change a user",
  description: "Setting a password activates a pending user. A new password or `disabled` ends the user's sessions.",
  request: { params: UserParams, body: { required: true, content: { "application/json": { schema: UpdateUserBody } } } },
  responses: {
    200: { description: "The user", content: { "application/json": { schema: envelopeSchema(UserSchema) } } },
    404: errorResponse("No such user"),
    ...commonErrorResponses,
  },
});

const userNotFound = (id: string) => new ApiError("user_not_found", `user "${id}" not found`);

/** /api/v1/users */
export const usersApi = newApp();

usersApi.openapi(listRoute, async (c) => {
  const { limit, offset } = c.req.valid("query");
  const { users, total } = await registry(c.env).listUsers({}, limit, offset);
  return page(c, users, total, limit, offset);
});

usersApi.openapi(createRoute, async (c) => {
  const body = c.req.valid("json");
  if (body.tenantId && !(await registry(c.env).getTenant(body.tenantId))) {
    throw new ApiError("tenant_not_found", `tenant "${body.tenantId}" does not exist`);
  }
  const passwordHash = body.password ? await hashPassword(body.password) : null;
  const result = await registry(c.env).createUser({ email: body.email, passwordHash, isSuperadmin: body.isSuperadmin });
  if (!result.ok) throw new ApiError("user_exists", `a user with email "${body.email}" exists`);
  if (!body.tenantId) return created(c, result.value);
  const member = await registry(c.env).addMember(body.tenantId, body.email, body.role, { mayMove: true });
  if (!member.ok) throw new ApiError(member.code, `could not add the user to tenant "${body.tenantId}"`);
  return created(c, member.value);
});

usersApi.openapi(getRoute, async (c) => {
  const { userId } = c.req.valid("param");
  const user = await registry(c.env).getUser(userId);
  if (!user) throw userNotFound(userId);
  return ok(c, user);
});

usersApi.openapi(updateRoute, async (c) => {
  const { userId } = c.req.valid("param");
  const { password, ...changes } = c.req.valid("json");
  const passwordHash = password ? await hashPassword(password) : undefined;
  const status = changes.status ?? (passwordHash ? "active" : undefined);
  const user = await registry(c.env).updateUser(userId, { ...changes, status, passwordHash });
  if (!user) throw userNotFound(userId);
  forgetSessions((session) => session.user.id === userId);
  return ok(c, user);
});
