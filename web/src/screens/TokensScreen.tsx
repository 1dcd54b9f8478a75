import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, unwrap, type Schemas } from "../api/client.ts";
import { useApps } from "../api/queries.ts";
import { useMe } from "../auth/me.ts";
import { can } from "../auth/permissions.ts";
import { ConfirmDialog } from "../ui/ConfirmDialog.tsx";
import { ErrorNote } from "../ui/ErrorNote.tsx";

const tokensKey = ["tokens"] as const;

/** API tokens (`sk_…`): create with a scope and an address allowlist (the token shown once), revoke. */
export function TokensScreen() {
  const me = useMe().data;
  const queries = useQueryClient();
  const apps = useApps();
  const tokens = useQuery({ queryKey: tokensKey, queryFn: () => unwrap(api.GET("/api/v1/tokens", { params: { query: { limit: 100 } } })), enabled: can(me, "token:read") });
  const [scope, setScope] = useState<"global" | "app">("app");
  const [shown, setShown] = useState<Schemas["CreatedApiToken"] | null>(null);
  const [doomed, setDoomed] = useState<Schemas["ApiToken"] | null>(null);
  const create = useMutation({
    mutationFn: (body: Schemas["CreateToken"]) => unwrap(api.POST("/api/v1/tokens", { body })),
    onSuccess: (created) => {
      setShown(created);
      return queries.invalidateQueries({ queryKey: tokensKey });
    },
  });
  const revoke = useMutation({
    mutationFn: (tokenId: string) => unwrap(api.DELETE("/api/v1/tokens/{tokenId}", { params: { path: { tokenId } } })),
    onSuccess: () => {
      setDoomed(null);
      return queries.invalidateQueries({ queryKey: tokensKey });
    },
  });

  if (!can(me, "token:read")) {
    return (
      <>
        <h1>API tokens</h1>
        <p className="empty">API tokens are managed by your tenant's owners.</p>
      </>
    );
  }

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const allowedIps = String(form.get("allowedIps") ?? "").split(/[\s,]+/).filter(Boolean);
    const body: Schemas["CreateToken"] = { name: String(form.get("name")).trim(), scope, allowedIps };
    if (scope === "app") body.appId = String(form.get("app"));
    create.mutate(body, { onSuccess: () => formElement.reset() });
  };

  return (
    <>
      <h1>API tokens</h1>
      {can(me, "token:create") ? (
        <section aria-labelledby="new-token-heading" className="panel">
          <h2 id="new-token-heading">Create a token</h2>
          <form onSubmit={submit}>
            <div className="row">
              <label>
                Name
                <input name="name" required placeholder="CI deploys" />
              </label>
              <fieldset className="scope">
                <legend>Scope</legend>
                <label className="check">
                  <input type="radio" name="scope" value="app" checked={scope === "app"} onChange={() => setScope("app")} /> One app
                </label>
                <label className="check">
                  <input type="radio" name="scope" value="global" checked={scope === "global"} onChange={() => setScope("global")} /> {me?.isSuperadmin ? "Every app (global)" : "Every app of the tenant"}
                </label>
              </fieldset>
              {scope === "app" ? (
                <label>
                  App
                  <select name="app" required>
                    {apps.data?.map((app) => <option key={app.name} value={app.name}>{app.name}</option>)}
                  </select>
                </label>
              ) : null}
            </div>
            <label>
              Allowed addresses (optional; IPs or CIDRs, separated by spaces or commas)
              <input name="allowedIps" placeholder="203.0.113.0/24 2001:db8::/32" />
            </label>
            <button type="submit" disabled={create.isPending}>Create token</button>
          </form>
          {create.isError ? <ErrorNote error={create.error} what="Not created" /> : null}
          {shown ? (
            <div className="result" role="status">
              <p>The token <strong>{shown.name}</strong> is shown this once; only its hash is kept.</p>
              <label>
                Token
                <input readOnly value={shown.token} onFocus={(e) => e.currentTarget.select()} size={60} />
              </label>
              <button type="button" onClick={() => setShown(null)}>I have saved it</button>
            </div>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="tokens-list-heading">
        <h2 id="tokens-list-heading">Tokens</h2>
        {tokens.isError ? <ErrorNote error={tokens.error} /> : null}
        {tokens.data?.length === 0 ? <p className="empty">No tokens yet.</p> : null}
        {tokens.data && tokens.data.length > 0 ? (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scope</th>
                <th scope="col">Allowed from</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
                {can(me, "token:delete") ? <th scope="col"><span className="visually-hidden">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((token) => (
                <tr key={token.id}>
                  <td>{token.name}</td>
                  <td>{token.scope === "app" ? `app ${token.app ?? token.appId}` : "global"}</td>
                  <td>{token.allowedIps.length ? token.allowedIps.join(", ") : "anywhere"}</td>
                  <td>{token.lastUsedAt ? new Date(token.lastUsedAt).toLocaleString() : "never"}</td>
                  <td>{token.revoked ? "revoked" : "active"}</td>
                  {can(me, "token:delete") ? (
                    <td>
                      {token.revoked ? null : (
                        <button type="button" className="danger" onClick={() => setDoomed(token)} aria-label={`Revoke ${token.name}`}>Revoke</button>
                      )}
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
        title={`Revoke the token ${doomed?.name ?? ""}?`}
        confirmLabel="Revoke"
        busy={revoke.isPending}
        onCancel={() => setDoomed(null)}
        onConfirm={() => doomed && revoke.mutate(doomed.id)}
      >
        <p>Whatever uses it is refused from now on (within a few seconds on every node). This cannot be undone: a new token has a new value.</p>
        {revoke.isError ? <ErrorNote error={revoke.error} what="Not revoked" /> : null}
      </ConfirmDialog>
    </>
  );
}
