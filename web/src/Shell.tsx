import { useQueryClient } from "@tanstack/react-query";
import { NavLink, Outlet } from "react-router";
import { api } from "./api/client.ts";
import { useMe, useToken } from "./auth/me.ts";
import { can } from "./auth/permissions.ts";
import { session } from "./auth/session.ts";
import { SignIn } from "./screens/SignIn.tsx";
import { ErrorNote } from "./ui/ErrorNote.tsx";

/** Signed out: the sign-in form at whatever URL was asked for (reloadable, linkable). Signed in: navigation and the screen. */
export function Shell() {
  const token = useToken();
  const me = useMe();
  const queries = useQueryClient();
  if (token === null) return <SignIn />;
  if (me.isPending) return <p className="loading" role="status">Loading…</p>;
  if (me.isError) return <main className="page"><ErrorNote error={me.error} /></main>;

  const signOut = async () => {
    await api.POST("/api/v1/auth/logout").catch(() => undefined);
    session.clear();
    queries.clear();
  };
  const who = me.data.email ?? me.data.userId;
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <span className="brand">StreamHub</span>
        <nav aria-label="Main">
          <NavLink to="/" end>Overview</NavLink>
          <NavLink to="/apps">Apps</NavLink>
          {can(me.data, "token:read") ? <NavLink to="/tokens">Tokens</NavLink> : null}
          {me.data.tenantId || me.data.isSuperadmin ? <NavLink to="/team">Team</NavLink> : null}
          {can(me.data, "log:read") || can(me.data, "audit:read") ? <NavLink to="/logs">Logs</NavLink> : null}
          <NavLink to="/account/sessions">Account</NavLink>
        </nav>
        <span className="who">
          {who} {me.data.isSuperadmin || me.data.role ? <span className="role">{me.data.isSuperadmin ? "superadmin" : me.data.role}</span> : null}
        </span>
        <button type="button" onClick={signOut}>Sign out</button>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
