import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client.ts";
import { keys } from "../api/queries.ts";
import { session } from "../auth/session.ts";
import { ErrorNote } from "../ui/ErrorNote.tsx";

/** The signed-in user's sessions: where they are signed in, and ending any of them (this one signs out). */
export function SessionsScreen() {
  const queries = useQueryClient();
  const sessions = useQuery({ queryKey: keys.sessions, queryFn: () => unwrap(api.GET("/api/v1/auth/sessions")) });
  const end = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/auth/sessions/{sessionId}", { params: { path: { sessionId: id } } })),
    onSuccess: (_, id) => {
      if (sessions.data?.find((s) => s.id === id)?.current) {
        session.clear();
        queries.clear();
        return;
      }
      return queries.invalidateQueries({ queryKey: keys.sessions });
    },
  });
  return (
    <>
      <h1>Your sessions</h1>
      {sessions.isError ? <ErrorNote error={sessions.error} /> : null}
      {end.isError ? <ErrorNote error={end.error} what="Not ended" /> : null}
      {sessions.data && sessions.data.length === 0 ? <p className="empty">Signed in with an API token: there are no dashboard sessions to list.</p> : null}
      {sessions.data && sessions.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Signed in</th>
              <th scope="col">From</th>
              <th scope="col">Browser</th>
              <th scope="col">Expires</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {sessions.data.map((s) => (
              <tr key={s.id}>
                <td>{new Date(s.createdAt).toLocaleString()}{s.current ? <strong> (this one)</strong> : null}</td>
                <td>{s.ip ?? "—"}</td>
                <td className="ua">{s.userAgent ?? "—"}</td>
                <td>{new Date(s.expiresAt).toLocaleString()}</td>
                <td>
                  <button type="button" className="danger" disabled={end.isPending} onClick={() => end.mutate(s.id)}>
                    {s.current ? "Sign out here" : "End session"}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
