import type { Schemas } from "../api/client.ts";

/** Audit rows, newest first: who did what, and what they were answered; the app column where rows span apps. */
export function AuditTable({ entries, showApp = false }: { entries: Schemas["AuditEntry"][]; showApp?: boolean }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Who</th>
          {showApp ? <th scope="col">App</th> : null}
          <th scope="col">What</th>
          <th scope="col">Answer</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr key={entry.id}>
            <td>{new Date(entry.ts).toLocaleString()}</td>
            <td>{entry.actor}</td>
            {showApp ? <td>{entry.app ?? "—"}</td> : null}
            <td>
              <code>
                {entry.method} {entry.path}
              </code>
            </td>
            <td>{entry.status}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
