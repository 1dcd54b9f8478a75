import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { api, unwrap, type Schemas } from "../api/client.ts";
import { keys, useApps } from "../api/queries.ts";
import { useMe } from "../auth/me.ts";
import { can } from "../auth/permissions.ts";
import { ConfirmDialog } from "../ui/ConfirmDialog.tsx";
import { ErrorNote } from "../ui/ErrorNote.tsx";

export function AppsScreen() {
  const me = useMe().data;
  const apps = useApps();
  const queries = useQueryClient();
  const [doomed, setDoomed] = useState<Schemas["AppRecord"] | null>(null);

  const create = useMutation({
    mutationFn: (body: Schemas["CreateApp"]) => unwrap(api.POST("/api/v1/apps", { body })),
    onSuccess: () => queries.invalidateQueries({ queryKey: keys.apps }),
  });
  const remove = useMutation({
    mutationFn: (name: string) => unwrap(api.DELETE("/api/v1/apps/{app}", { params: { path: { app: name } } })),
    onSuccess: () => {
      setDoomed(null);
      return queries.invalidateQueries({ queryKey: keys.apps });
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const body: Schemas["CreateApp"] = { name: String(form.get("name")).trim() };
    const displayName = String(form.get("displayName") ?? "").trim();
    if (displayName) body.displayName = displayName;
    const tenantId = String(form.get("tenantId") ?? "").trim();
    if (tenantId) body.tenantId = tenantId;
    create.mutate(body, { onSuccess: () => formElement.reset() });
  };

  return (
    <>
      <h1>Apps</h1>
      {can(me, "app:create") ? (
        <section aria-labelledby="create-heading" className="panel">
          <h2 id="create-heading">Create an app</h2>
          <form onSubmit={submit} className="row">
            <label>
              Name
              <input name="name" required pattern="[a-z0-9][a-z0-9-]{0,62}" title="Lower-case letters, digits and dashes" aria-describedby="name-help" />
            </label>
            <label>
              Display name
              <input name="displayName" />
            </label>
            {me?.isSuperadmin ? (
              <label>
                Tenant (default platform)
                <input name="tenantId" />
              </label>
            ) : null}
            <button type="submit" disabled={create.isPending}>Create</button>
          </form>
          <p id="name-help" className="hint">The name is in every URL and LiveKit room of the app: lower-case letters, digits and dashes.</p>
          {create.isError ? <ErrorNote error={create.error} what="Not created" /> : null}
          {create.isSuccess ? <p role="status" className="good">Created <Link to={`/apps/${create.data.name}`}>{create.data.name}</Link>.</p> : null}
        </section>
      ) : null}

      <section aria-labelledby="list-heading">
        <h2 id="list-heading">Your apps</h2>
        {apps.isError ? <ErrorNote error={apps.error} /> : null}
        {apps.isPending ? <p role="status">Loading…</p> : null}
        {apps.data?.length === 0 ? <p className="empty">No apps yet{can(me, "app:create") ? ": create the first one above." : ". Ask an owner or editor of your tenant to create one."}</p> : null}
        {apps.data && apps.data.length > 0 ? (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Display name</th>
                {me?.isSuperadmin ? <th scope="col">Tenant</th> : null}
                <th scope="col">Created</th>
                {can(me, "app:delete") ? <th scope="col"><span className="visually-hidden">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {apps.data.map((app) => (
                <tr key={app.name}>
                  <td><Link to={`/apps/${app.name}`}>{app.name}</Link></td>
                  <td>{app.displayName}</td>
                  {me?.isSuperadmin ? <td>{app.tenantId}</td> : null}
                  <td>{new Date(app.createdAt).toLocaleString()}</td>
                  {can(me, "app:delete") ? (
                    <td>
                      <button type="button" className="danger" onClick={() => setDoomed(app)} aria-label={`Delete ${app.name}`}>Delete</button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>

      <ConfirmDialog
        open={doomed !== null}
        title={`Delete the app ${doomed?.name ?? ""}?`}
        confirmLabel="Delete for good"
        typeToConfirm={doomed?.name ?? ""}
        busy={remove.isPending}
        onCancel={() => setDoomed(null)}
        onConfirm={() => doomed && remove.mutate(doomed.name)}
      >
        <p>This cannot be undone. With the app goes:</p>
        <ul>
          <li>its API tokens (integrations using them stop working at once);</li>
          <li>its database: live-stream history, ingresses and their stream keys, the catalog of recordings and VODs, webhook endpoints and their delivery log, S3 settings and credentials, sample pages, usage and the app's audit log (the global audit log keeps what was done).</li>
        </ul>
        <p>Files already in the app's own bucket stay there. A new app of the same name starts empty.</p>
        {remove.isError ? <ErrorNote error={remove.error} what="Not deleted" /> : null}
      </ConfirmDialog>
    </>
  );
}
