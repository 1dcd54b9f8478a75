import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client.ts";
import { useMe } from "../../auth/me.ts";
import { can } from "../../auth/permissions.ts";
import { ErrorNote } from "../../ui/ErrorNote.tsx";

/** Who changed what in the app: its audit log, newest first (owners). */
export function Audit({ app }: { app: string }) {
  const me = useMe().data;
  const audit = useQuery({ queryKey: ["apps", app, "audit"], queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/audit", { params: { path: { app }, query: { limit: 50 } } })), enabled: can(me, "audit:read") });
  if (!can(me, "audit:read")) return null;
  return (
    <section aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log</h2>
      {audit.isError ? <ErrorNote error={audit.error} /> : null}
      {audit.data?.length === 0 ? <p className="empty">Nothing recorded yet.</p> : null}
      {audit.data && audit.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Answer</th>
            </tr>
          </thead>
          <tbody>
            {audit.data.map((entry) => (
              <tr key={entry.id}>
                <td>{new Date(entry.ts).toLocaleString()}</td>
                <td>{entry.actor}</td>
                <td><code>{entry.method} {entry.path}</code></td>
                <td>{entry.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
