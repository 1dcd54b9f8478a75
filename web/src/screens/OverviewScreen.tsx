import { useQueries, useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { api, unwrap } from "../api/client.ts";
import { keys, useApps, useHealth, useStats } from "../api/queries.ts";
import { formatBytes, plural } from "../ui/format.ts";
import { useMe } from "../auth/me.ts";
import { can } from "../auth/permissions.ts";
import { ErrorNote } from "../ui/ErrorNote.tsx";
import { USAGE_ROWS, UsedOf } from "../ui/Usage.tsx";

/** How many apps the overview asks for their live streams (one call each, once: no polling of every app). */
const LIVE_SAMPLE = 50;
/** How many tenants' usage a superadmin's overview shows (one call each); all are on the Team page. */
const TENANT_SAMPLE = 50;

export function OverviewScreen() {
  const health = useHealth();
  const apps = useApps();
  const listed = (apps.data ?? []).slice(0, LIVE_SAMPLE);
  const streams = useQueries({
    queries: listed.map((app) => ({ queryKey: keys.streams(app.name), queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/streams", { params: { path: { app: app.name } } })) })),
  });
  // Totals over every app (not only the ones listed below), as the apps last reported them.
  const stats = useStats();
  const counts = stats.data?.counts;

  return (
    <>
      <h1>Overview</h1>
      <section aria-labelledby="health-heading" className="cards">
        <h2 id="health-heading" className="visually-hidden">Node health</h2>
        {health.isError ? <ErrorNote error={health.error} what="Health" /> : null}
        <div className="card">
          <h3>Node</h3>
          <p className={health.data?.status === "ok" ? "good" : "bad"}>{health.data ? (health.data.status === "ok" ? "Healthy" : "Degraded") : "…"}</p>
          {health.data ? <p className="hint">Version {health.data.version}, up {Math.round(health.data.uptimeSeconds / 60)} min</p> : null}
        </div>
        <div className="card">
          <h3>LiveKit</h3>
          {health.data ? (
            health.data.livekit.reachable ? (
              <p className="good">Reachable</p>
            ) : (
              <>
                <p className="bad">Not answering</p>
                <p className="hint">
                  Streams cannot start or be watched. Check that livekit-server runs and that <code>LIVEKIT_URL</code>, <code>LIVEKIT_API_KEY</code> and <code>LIVEKIT_API_SECRET</code> point at it (checked {new Date(health.data.livekit.checkedAt).toLocaleTimeString()}).
                </p>
              </>
            )
          ) : (
            <p>…</p>
          )}
        </div>
        <div className="card">
          <h3>Storage</h3>
          <p className={health.data?.storage.ok ? "good" : "bad"}>{health.data ? (health.data.storage.ok ? "Answering" : "Not answering: the node's data folder cannot be written") : "…"}</p>
        </div>
        <div className="card">
          <h3>Live now</h3>
          {stats.isError ? <ErrorNote error={stats.error} what="Live figures" /> : null}
          <p className="big" aria-live="polite">
            {counts ? `${plural(counts.liveStreams, "stream")}, ${plural(counts.viewers, "viewer")}` : "…"}
          </p>
          {stats.data ? (
            <p className="hint">
              {plural(stats.data.egress.recordings, "recording")} running, {plural(counts!.vods, "VOD")} ({formatBytes(stats.data.storage.vodBytes)}),{" "}
              {plural(stats.data.webhooks.outboxDepth, "webhook delivery", "webhook deliveries")} waiting
            </p>
          ) : null}
        </div>
      </section>

      <TenantUsage />

      <section aria-labelledby="apps-heading">
        <h2 id="apps-heading">Apps</h2>
        {apps.isError ? <ErrorNote error={apps.error} what="Apps" /> : null}
        {apps.data && apps.data.length === 0 ? (
          <p className="empty">
            No apps yet. <Link to="/apps">Create one</Link> to get a LiveKit room namespace, tokens, recordings and webhooks of its own.
          </p>
        ) : null}
        {apps.data && apps.data.length > 0 ? (
          <table>
            <thead>
              <tr>
                <th scope="col">App</th>
                <th scope="col">Live streams</th>
                <th scope="col">Viewers</th>
              </tr>
            </thead>
            <tbody>
              {listed.map((app, index) => (
                <tr key={app.name}>
                  <td>
                    <Link to={`/apps/${app.name}`}>{app.displayName || app.name}</Link>
                  </td>
                  <td>{streams[index]?.data?.length ?? "…"}</td>
                  <td>{streams[index]?.data?.reduce((n, s) => n + (s.viewers ?? 0), 0) ?? "…"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {(apps.data?.length ?? 0) > LIVE_SAMPLE ? <p className="hint">The first {LIVE_SAMPLE} apps are shown; all are on the Apps page.</p> : null}
      </section>
    </>
  );
}

/** Usage against quota per tenant: every tenant for a superadmin, one's own for a member who may read it. */
function TenantUsage() {
  const me = useMe().data;
  const all = can(me, "superadmin");
  const tenants = useQuery({ queryKey: ["tenants"], queryFn: () => unwrap(api.GET("/api/v1/tenants", { params: { query: { limit: 100 } } })), enabled: all });
  const ownId = !all && me?.tenantId && can(me, "usage:read") ? me.tenantId : null;
  // A member's own tenant, for its name (the same query as the Team screen's).
  const own = useQuery({ queryKey: ["tenants", ownId], queryFn: () => unwrap(api.GET("/api/v1/tenants/{tenantId}", { params: { path: { tenantId: ownId! } } })), enabled: ownId !== null });
  const shown = all ? (tenants.data ?? []).slice(0, TENANT_SAMPLE) : ownId ? [{ id: ownId, name: own.data?.name ?? null }] : [];
  const usage = useQueries({
    queries: shown.map((tenant) => ({
      queryKey: ["tenants", tenant.id, "usage"],
      queryFn: () => unwrap(api.GET("/api/v1/tenants/{tenantId}/usage", { params: { path: { tenantId: tenant.id } } })),
    })),
  });
  if (shown.length === 0 && !tenants.isError) return null;
  return (
    <section aria-labelledby="usage-heading">
      <h2 id="usage-heading">{all ? "Usage against quota, per tenant" : "Your tenant's usage against quota"}</h2>
      {tenants.isError ? <ErrorNote error={tenants.error} what="Tenants" /> : null}
      {shown.length > 0 ? (
        <table aria-labelledby="usage-heading">
          <thead>
            <tr>
              <th scope="col">Tenant</th>
              <th scope="col">Plan</th>
              {USAGE_ROWS.map(([used, , label]) => <th scope="col" key={used}>{label}</th>)}
            </tr>
          </thead>
          <tbody>
            {shown.map((tenant, index) => {
              const report = usage[index];
              return (
                <tr key={tenant.id} data-tenant={tenant.id}>
                  <th scope="row"><Link to={`/team/${tenant.id}`}>{tenant.name ?? tenant.id}</Link></th>
                  <td>{report?.data?.plan ?? "…"}</td>
                  {USAGE_ROWS.map((metric) => (
                    <td key={metric[0]}>{report?.data ? <UsedOf report={report.data} metric={metric} /> : report?.isError ? "unknown" : "…"}</td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {usage.find((q) => q.isError)?.error ? <ErrorNote error={usage.find((q) => q.isError)!.error} what="Usage" /> : null}
      {all && (tenants.data?.length ?? 0) > TENANT_SAMPLE ? <p className="hint">The first {TENANT_SAMPLE} tenants are shown; all are on the Team page.</p> : null}
    </section>
  );
}
