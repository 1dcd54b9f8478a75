import { useState, type FormEvent } from "react";
import { api, unwrap } from "../api/client.ts";
import { session } from "../auth/session.ts";
import { ErrorNote } from "../ui/ErrorNote.tsx";

export function SignIn() {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const result = await unwrap(api.POST("/api/v1/auth/login", { body: { user: String(form.get("user")), password: String(form.get("password")) } }));
      session.set(result.token);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin" id="main">
      <h1>Sign in to StreamHub</h1>
      <form onSubmit={submit} aria-describedby="signin-help">
        <label>
          Email (or the admin user)
          <input name="user" autoComplete="username" required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" disabled={busy}>{busy ? "Signing in…" : "Sign in"}</button>
        {error ? <ErrorNote error={error} /> : null}
      </form>
      <p id="signin-help" className="hint">
        The break-glass admin is the <code>ADMIN_USER</code> / <code>ADMIN_PASS</code> the node was started with; everyone else signs in with the email their tenant's owner added.
      </p>
    </main>
  );
}
