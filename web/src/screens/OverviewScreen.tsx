import { useQueries } from "@tanstack/react-query";
import { Link } from "react-router";
import { api, unwrap } from "../api/client.ts";
import { keys, useApps, useHealth } from "../api/queries.ts";
import { ErrorNote } from "../ui/ErrorNote.tsx";

/** How many apps the overview asks for their live streams (one call each, once: no polling of every app). */
const LIVE_SAMPLE = 50;

export function OverviewScreen() {
  const health = useHealth();
  const apps = useApps();
  const listed = (apps.data ?? []).slice(0, LIVE_SAMPLE);
  const streams = useQueries({
    queries: listed.map((app) => ({ queryKey: keys.streams(app.name), queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/streams", { params: { path: { app: app.name } } })) })),
  });
  const live = streams.reduce((sum, q) => sum + (q.data?.length ?? 0), 0);
  const viewers = streams.reduce((sum, q) => sum + (q.data ?? []).reduce((n, s) => n + (s.viewers ?? 0), 0), 0);

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
          <p className="big" aria-live="polite">
            {live} {live === 1 ? "stream" : "streams"}, {viewers} {viewers === 1 ? "viewer" : "viewers"}
          </p>
        </div>
      </section>

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
