import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, Navigate, useParams } from "react-router";
import { api, unwrap, type Schemas } from "../api/client.ts";
import { useMe } from "../auth/me.ts";
import { can } from "../auth/permissions.ts";
import { Drawer } from "../ui/Drawer.tsx";
import { ErrorNote } from "../ui/ErrorNote.tsx";
import { Facts } from "../ui/Facts.tsx";
import { limitText, USAGE_ROWS, usedText } from "../ui/Usage.tsx";

const tenantsKey = ["tenants"] as const;
const ROLES = ["owner", "editor", "viewer"] as const;
const PLANS: Schemas["CreateTenant"]["plan"][] = ["free", "pro", "business", "platform"];

/** Superadmins: every tenant, and creating one. Members go straight to their own tenant. */
export function TeamScreen() {
  const me = useMe().data;
  const queries = useQueryClient();
  const tenants = useQuery({ queryKey: tenantsKey, queryFn: () => unwrap(api.GET("/api/v1/tenants", { params: { query: { limit: 100 } } })), enabled: can(me, "superadmin") });
  const create = useMutation({
    mutationFn: (body: Schemas["CreateTenant"]) => unwrap(api.POST("/api/v1/tenants", { body })),
    onSuccess: () => queries.invalidateQueries({ queryKey: tenantsKey }),
  });
  if (!can(me, "superadmin")) return me?.tenantId ? <Navigate to={`/team/${me.tenantId}`} replace /> : <p className="empty">You belong to no tenant.</p>;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const id = String(form.get("id") ?? "").trim();
    create.mutate({ name: String(form.get("name")).trim(), plan: String(form.get("plan")) as Schemas["CreateTenant"]["plan"], ...(id ? { id } : {}) }, { onSuccess: () => formElement.reset() });
  };
  return (
    <>
      <h1>Tenants</h1>
      <section aria-labelledby="new-tenant-heading" className="panel">
        <h2 id="new-tenant-heading">Create a tenant</h2>
        <form onSubmit={submit} className="row">
          <label>
            Name
            <input name="name" required />
          </label>
          <label>
            Id (optional)
            <input name="id" pattern="[a-z0-9][a-z0-9-]*" title="Lower-case letters, digits and dashes" />
          </label>
          <label>
            Plan
            <select name="plan" defaultValue="free">
              {PLANS.map((plan) => <option key={plan}>{plan}</option>)}
            </select>
          </label>
          <button type="submit" disabled={create.isPending}>Create tenant</button>
        </form>
        {create.isError ? <ErrorNote error={create.error} what="Not created" /> : null}
        {create.isSuccess ? <p role="status" className="good">Created <Link to={`/team/${create.data.id}`}>{create.data.name}</Link>.</p> : null}
      </section>
      {tenants.isError ? <ErrorNote error={tenants.error} /> : null}
      {tenants.data ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Tenant</th>
              <th scope="col">Id</th>
              <th scope="col">Plan</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {tenants.data.map((tenant) => (
              <tr key={tenant.id}>
                <td><Link to={`/team/${tenant.id}`}>{tenant.name}</Link></td>
                <td>{tenant.id}</td>
                <td>{tenant.plan}</td>
                <td>{new Date(tenant.createdAt).toLocaleDateString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Users />
    </>
  );
}

/** Superadmins: every user, disabling and enabling (a disabled user's sessions end at once), and one user's details. */
function Users() {
  const queries = useQueryClient();
  const [inspecting, setInspecting] = useState<string | null>(null);
  const users = useQuery({ queryKey: ["users"], queryFn: () => unwrap(api.GET("/api/v1/users", { params: { query: { limit: 100 } } })) });
  const update = useMutation({
    mutationFn: ({ userId, body }: { userId: string; body: Schemas["UpdateUser"] }) => unwrap(api.PATCH("/api/v1/users/{userId}", { params: { path: { userId } }, body })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ["users"] }),
  });
  return (
    <section aria-labelledby="users-heading">
      <h2 id="users-heading">Users</h2>
      {users.isError ? <ErrorNote error={users.error} /> : null}
      {update.isError ? <ErrorNote error={update.error} what="Not changed" /> : null}
      {users.data?.length === 0 ? <p className="empty">No users yet: add members in a tenant.</p> : null}
      {users.data && users.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Tenant</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {users.data.map((user) => (
              <tr key={user.id}>
                <td>{user.email}</td>
                <td>{user.tenantId ? <Link to={`/team/${user.tenantId}`}>{user.tenantId}</Link> : "—"}</td>
                <td>{user.isSuperadmin ? "superadmin" : user.role ?? "—"}</td>
                <td>{user.status}</td>
                <td className="actions">
                  <button type="button" aria-pressed={inspecting === user.id} onClick={() => setInspecting(inspecting === user.id ? null : user.id)} aria-label={`Details of ${user.email}`}>Details</button>
                  {user.status === "disabled" ? (
                    <button type="button" onClick={() => update.mutate({ userId: user.id, body: { status: "active" } })} aria-label={`Enable ${user.email}`}>Enable</button>
                  ) : (
                    <button type="button" className="danger" onClick={() => update.mutate({ userId: user.id, body: { status: "disabled" } })} aria-label={`Disable ${user.email}`}>Disable</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {inspecting ? <UserDetails userId={inspecting} onClose={() => setInspecting(null)} /> : null}
    </section>
  );
}

/**
 * One user as the Registry has them now (GET /users/{id}), and a new password
 * set for them (someone who forgot theirs; every session of theirs ends).
 */
function UserDetails({ userId, onClose }: { userId: string; onClose(): void }) {
  const queries = useQueryClient();
  const user = useQuery({ queryKey: ["users", userId], queryFn: () => unwrap(api.GET("/api/v1/users/{userId}", { params: { path: { userId } } })) });
  const reset = useMutation({
    mutationFn: (password: string) => unwrap(api.PATCH("/api/v1/users/{userId}", { params: { path: { userId } }, body: { password } })),
    onSuccess: (updated) => {
      queries.setQueryData(["users", userId], updated);
      return queries.invalidateQueries({ queryKey: ["users"], exact: true });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    reset.mutate(String(new FormData(formElement).get("password")), { onSuccess: () => formElement.reset() });
  };
  const data = user.data;
  return (
    <Drawer title={`User ${data?.email ?? userId}`} onClose={onClose}>
      {user.isError ? <ErrorNote error={user.error} /> : null}
      {data ? (
        <>
          <Facts
            facts={[
              ["Id", data.id],
              ["Status", data.status],
              ["Tenant", data.tenantId ?? "—"],
              ["Role", data.isSuperadmin ? "superadmin" : data.role ?? "—"],
              ["Created", new Date(data.createdAt).toLocaleString()],
              ["Last changed", new Date(data.updatedAt).toLocaleString()],
            ]}
          />
          <form onSubmit={submit} className="row">
            <label>
              New password for {data.email} <span className="hint">(12 characters or more; ends their sessions)</span>
              <input name="password" type="password" autoComplete="new-password" minLength={12} required />
            </label>
            <button type="submit" disabled={reset.isPending}>Set password</button>
          </form>
          {reset.isError ? <ErrorNote error={reset.error} what="Not set" /> : null}
          {reset.isSuccess ? <p role="status" className="good">Password set; {data.email} signs in with it now.</p> : null}
        </>
      ) : null}
    </Drawer>
  );
}

/** One tenant: usage against its quotas, and its members with their roles. */
export function TenantScreen() {
  const { tenantId = "" } = useParams();
  const me = useMe().data;
  const queries = useQueryClient();
  const membersKey = ["tenants", tenantId, "members"] as const;
  const tenant = useQuery({ queryKey: ["tenants", tenantId], queryFn: () => unwrap(api.GET("/api/v1/tenants/{tenantId}", { params: { path: { tenantId } } })) });
  const usage = useQuery({ queryKey: ["tenants", tenantId, "usage"], queryFn: () => unwrap(api.GET("/api/v1/tenants/{tenantId}/usage", { params: { path: { tenantId } } })), enabled: can(me, "usage:read") });
  const members = useQuery({ queryKey: membersKey, queryFn: () => unwrap(api.GET("/api/v1/tenants/{tenantId}/members", { params: { path: { tenantId } } })), enabled: can(me, "member:read") });
  // Members are users too: the superadmin's user list follows.
  const refresh = () => Promise.all([queries.invalidateQueries({ queryKey: membersKey }), queries.invalidateQueries({ queryKey: ["users"] })]);
  const add = useMutation({
    mutationFn: (body: Schemas["AddMember"]) => unwrap(api.POST("/api/v1/tenants/{tenantId}/members", { params: { path: { tenantId } }, body })),
    onSuccess: refresh,
  });
  const createUser = useMutation({
    mutationFn: (body: Schemas["CreateUser"]) => unwrap(api.POST("/api/v1/users", { body })),
    onSuccess: refresh,
  });
  const setRole = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Schemas["UpdateMember"]["role"] }) => unwrap(api.PATCH("/api/v1/tenants/{tenantId}/members/{userId}", { params: { path: { tenantId, userId } }, body: { role } })),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (userId: string) => unwrap(api.DELETE("/api/v1/tenants/{tenantId}/members/{userId}", { params: { path: { tenantId, userId } } })),
    onSuccess: refresh,
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const email = String(form.get("email")).trim();
    const role = String(form.get("role")) as Schemas["AddMember"]["role"];
    const password = String(form.get("password") ?? "");
    const done = { onSuccess: () => formElement.reset() };
    // A superadmin may give the new user a password at once; an owner invites (a pending user).
    if (can(me, "superadmin") && password) createUser.mutate({ email, role, tenantId, password, isSuperadmin: false }, done);
    else add.mutate({ email, role }, done);
  };

  return (
    <>
      {can(me, "superadmin") ? <p className="crumbs"><Link to="/team">Tenants</Link> / {tenantId}</p> : null}
      <h1>{tenant.data?.name ?? tenantId}</h1>
      {tenant.isError ? <ErrorNote error={tenant.error} /> : null}

      {usage.data ? (
        <section aria-labelledby="usage-heading">
          <h2 id="usage-heading">Usage and quotas ({usage.data.plan})</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">What</th>
                <th scope="col">Used</th>
                <th scope="col">Limit</th>
              </tr>
            </thead>
            <tbody>
              {USAGE_ROWS.map(([used, limit, label]) => (
                <tr key={used}>
                  <td>{label}</td>
                  <td className={usage.data.exceeded[limit] ? "bad" : undefined}>{usedText(usage.data.usage[used])}</td>
                  <td>{limitText(usage.data.quotas[limit])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      {usage.isError ? <ErrorNote error={usage.error} what="Usage" /> : null}
      {can(me, "superadmin") && tenant.data ? <TenantPlan tenant={tenant.data} /> : null}

      <section aria-labelledby="members-heading">
        <h2 id="members-heading">Members</h2>
        {can(me, "member:create") ? (
          <form onSubmit={submit} className="row">
            <label>
              Email
              <input name="email" type="email" required />
            </label>
            <label>
              Role
              <select name="role" defaultValue="viewer">
                {ROLES.map((role) => <option key={role}>{role}</option>)}
              </select>
            </label>
            {can(me, "superadmin") ? (
              <label>
                Password (optional: without one the user is invited, pending)
                <input name="password" type="password" autoComplete="new-password" minLength={12} />
              </label>
            ) : null}
            <button type="submit" disabled={add.isPending || createUser.isPending}>Add member</button>
          </form>
        ) : null}
        {add.isError ? <ErrorNote error={add.error} what="Not added" /> : null}
        {createUser.isError ? <ErrorNote error={createUser.error} what="Not added" /> : null}
        {setRole.isError ? <ErrorNote error={setRole.error} what="Role not changed" /> : null}
        {remove.isError ? <ErrorNote error={remove.error} what="Not removed" /> : null}
        {members.isError ? <ErrorNote error={members.error} /> : null}
        {members.data ? (
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                {can(me, "member:delete") ? <th scope="col"><span className="visually-hidden">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {members.data.map((member) => (
                <tr key={member.id}>
                  <td>{member.email}</td>
                  <td>
                    {can(me, "member:write") ? (
                      <select aria-label={`Role of ${member.email}`} value={member.role ?? "viewer"} onChange={(e) => setRole.mutate({ userId: member.id, role: e.target.value as Schemas["UpdateMember"]["role"] })}>
                        {ROLES.map((role) => <option key={role}>{role}</option>)}
                      </select>
                    ) : (
                      member.role
                    )}
                  </td>
                  <td>{member.status}</td>
                  {can(me, "member:delete") ? (
                    <td>
                      <button type="button" className="danger" onClick={() => remove.mutate(member.id)} aria-label={`Remove ${member.email}`}>Remove</button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
    </>
  );
}

/** Superadmins: a tenant's plan and its own quota overrides (empty: the plan's). */
function TenantPlan({ tenant }: { tenant: Schemas["Tenant"] }) {
  const queries = useQueryClient();
  const save = useMutation({
    mutationFn: (body: Schemas["UpdateTenant"]) => unwrap(api.PATCH("/api/v1/tenants/{tenantId}", { params: { path: { tenantId: tenant.id } }, body })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ["tenants", tenant.id] }),
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const quotas: NonNullable<Schemas["UpdateTenant"]["quotas"]> = {};
    for (const [, limit] of USAGE_ROWS) {
      const value = String(form.get(limit) ?? "").trim();
      quotas[limit] = value === "" ? null : Number(value);
    }
    save.mutate({ plan: String(form.get("plan")) as Schemas["UpdateTenant"]["plan"], quotas });
  };
  return (
    <section aria-labelledby="plan-heading">
      <h2 id="plan-heading">Plan and quota overrides</h2>
      <form onSubmit={submit} key={tenant.updatedAt}>
        <div className="row">
          <label>
            Plan
            <select name="plan" defaultValue={tenant.plan}>
              {PLANS.map((plan) => <option key={plan}>{plan}</option>)}
            </select>
          </label>
          {USAGE_ROWS.map(([, limit, label]) => (
            <label key={limit}>
              {label}
              <input name={limit} type="number" min={0} defaultValue={tenant.quotaOverrides[limit] ?? ""} placeholder={String(tenant.quotas[limit])} />
            </label>
          ))}
        </div>
        <button type="submit" disabled={save.isPending}>Save plan and quotas</button>
      </form>
      {save.isError ? <ErrorNote error={save.error} what="Not saved" /> : null}
      {save.isSuccess ? <p role="status" className="good">Saved.</p> : null}
    </section>
  );
}
