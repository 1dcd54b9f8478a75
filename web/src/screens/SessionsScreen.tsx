import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, unwrap, type Schemas } from "../api/client.ts";
import { keys } from "../api/queries.ts";
import { useMe } from "../auth/me.ts";
import { session } from "../auth/session.ts";
import { ErrorNote } from "../ui/ErrorNote.tsx";

/** The signed-in user's account: their own password, and their sessions (ending any of them; this one signs out). */
export function SessionsScreen() {
  const me = useMe().data;
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
  // Every other session first, then this one (which signs out here).
  const endAll = useMutation({
    mutationFn: async (all: { id: string; current: boolean }[]) => {
      const ordered = [...all].sort((a, b) => Number(a.current) - Number(b.current));
      for (const s of ordered) await unwrap(api.DELETE("/api/v1/auth/sessions/{sessionId}", { params: { path: { sessionId: s.id } } }));
    },
    onSuccess: () => {
      session.clear();
      queries.clear();
    },
  });
  return (
    <>
      <h1>Your account</h1>
      {/* Users have a password here (superadmin users too); the break-glass admin's is configuration, a token has none. */}
      {me && me.via !== "api_token" && me.userId !== "admin" ? <PasswordForm /> : (
        <p className="hint">{me?.via === "api_token" ? "Signed in with an API token: there is no password to change." : "The break-glass admin's password is ADMIN_PASS in the node's configuration; change it there."}</p>
      )}
      <h2>Sessions</h2>
      {sessions.isError ? <ErrorNote error={sessions.error} /> : null}
      {end.isError ? <ErrorNote error={end.error} what="Not ended" /> : null}
      {endAll.isError ? <ErrorNote error={endAll.error} what="Not signed out everywhere" /> : null}
      {sessions.data && sessions.data.length > 1 ? (
        <p>
          <button type="button" className="danger" disabled={endAll.isPending} onClick={() => endAll.mutate(sessions.data)}>Sign out everywhere</button>
        </p>
      ) : null}
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

/**
 * Changing one's own password ends every session of the user; the server hands
 * back a new token for this browser, so only the others are signed out.
 */
function PasswordForm() {
  const queries = useQueryClient();
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) => unwrap(api.POST("/api/v1/auth/password", { body })),
    onSuccess: (result) => {
      // Same person, new session: carried over, so the shell does not reload (and lose this form's answer).
      const me = queries.getQueryData<Schemas["AuthContext"]>(["me", session.token()]);
      if (me) queries.setQueryData(["me", result.token], { ...me, sessionId: result.sessionId });
      session.set(result.token);
      return queries.invalidateQueries({ queryKey: keys.sessions });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const newPassword = String(form.get("newPassword"));
    setMismatch(newPassword !== String(form.get("repeatPassword")));
    if (newPassword !== String(form.get("repeatPassword"))) return;
    change.mutate({ currentPassword: String(form.get("currentPassword")), newPassword }, { onSuccess: () => formElement.reset() });
  };
  return (
    <section aria-labelledby="password-heading" className="panel">
      <h2 id="password-heading">Password</h2>
      <form onSubmit={submit}>
        <div className="row">
          <label>
            Current password
            <input name="currentPassword" type="password" autoComplete="current-password" required />
          </label>
          <label>
            New password <span className="hint">(12 characters or more)</span>
            <input name="newPassword" type="password" autoComplete="new-password" minLength={12} required />
          </label>
          <label>
            New password again
            <input name="repeatPassword" type="password" autoComplete="new-password" required />
          </label>
          <button type="submit" disabled={change.isPending}>Change password</button>
        </div>
      </form>
      <p className="hint">Changing it signs you out everywhere else.</p>
      {mismatch ? <div className="error" role="alert">The two new passwords differ.</div> : null}
      {change.isError ? <ErrorNote error={change.error} what="Not changed" /> : null}
      {change.isSuccess && !mismatch ? (
        <p role="status">Password changed. {change.data.sessionsEnded > 1 ? `Signed out of ${change.data.sessionsEnded - 1} other session${change.data.sessionsEnded > 2 ? "s" : ""}.` : "No other sessions were open."}</p>
      ) : null}
    </section>
  );
}
