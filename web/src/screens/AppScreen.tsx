import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { api, unwrap, type Schemas } from "../api/client.ts";
import { keys, useAppStats } from "../api/queries.ts";
import { useMe } from "../auth/me.ts";
import { can } from "../auth/permissions.ts";
import { useLiveStreams } from "../live/useLiveStreams.ts";
import { ErrorNote } from "../ui/ErrorNote.tsx";
import { formatBytes, plural } from "../ui/format.ts";
import { Player } from "../ui/Player.tsx";
import { Activity } from "./app/Activity.tsx";
import { Audit } from "./app/Audit.tsx";
import { Ingresses } from "./app/Ingress.tsx";
import { appRoom } from "./app/rooms.ts";
import { Samples } from "./app/Samples.tsx";
import { Storage } from "./app/Storage.tsx";
import { runningKey, StreamDetails, StreamMedia } from "./app/StreamMedia.tsx";
import { Vods } from "./app/Vods.tsx";
import { Webhooks } from "./app/Webhooks.tsx";

export function AppScreen() {
  const { app: name = "" } = useParams();
  const app = useQuery({ queryKey: keys.app(name), queryFn: () => unwrap(api.GET("/api/v1/apps/{app}", { params: { path: { app: name } } })) });
  if (app.isPending) return <p role="status">Loading…</p>;
  if (app.isError) {
    return (
      <>
        <h1>{name}</h1>
        <ErrorNote error={app.error} />
        <p><Link to="/apps">All apps</Link></p>
      </>
    );
  }
  return (
    <>
      <p className="crumbs"><Link to="/apps">Apps</Link> / {name}</p>
      <h1>{app.data.displayName || app.data.name}</h1>
      <AppLinks app={name} />
      <LiveStreams app={app.data} />
      <JoinTokens app={name} />
      <Ingresses app={name} />
      <Vods app={name} />
      <Storage app={name} />
      <Webhooks app={name} />
      <Samples app={name} />
      <Settings app={app.data} />
      <Activity app={name} />
      <Audit app={name} />
    </>
  );
}

/** The app's figures now, and where its history is: charts and its streams' session reports. */
function AppLinks({ app }: { app: string }) {
  const me = useMe().data;
  const stats = useAppStats(app);
  if (!can(me, "app:read")) return null;
  const figures = stats.data;
  return (
    <>
      {stats.isError ? <ErrorNote error={stats.error} what="This app's figures" /> : null}
      {figures ? (
        <p className="hint" aria-label="This app now">
          Now: {plural(figures.counts.liveStreams, "live stream")}, {plural(figures.counts.viewers, "viewer")}, {figures.egress.recordings} recording,{" "}
          {figures.egress.hls} live HLS, {plural(figures.counts.vods, "VOD")} ({formatBytes(figures.storage.vodBytes)}),{" "}
          {plural(figures.webhooks.outboxDepth, "webhook delivery", "webhook deliveries")} waiting
        </p>
      ) : null}
      <nav aria-label="This app" className="app-links">
        <Link to={`/apps/${encodeURIComponent(app)}/analytics`}>Analytics and session reports</Link>
      </nav>
    </>
  );
}

function LiveStreams({ app }: { app: Schemas["AppRecord"] }) {
  const me = useMe().data;
  const { streams, state } = useLiveStreams(app.name);
  const [watching, setWatching] = useState<string | null>(null);
  const [inspecting, setInspecting] = useState<string | null>(null);
  // A stream that starts may be recorded at once (autoRecord, or through the API): ask again what records.
  const queries = useQueryClient();
  const live = streams?.map((s) => s.id).sort().join(" ");
  useEffect(() => {
    if (live !== undefined) void queries.invalidateQueries({ queryKey: runningKey(app.name) });
  }, [live, app.name, queries]);
  const stop = useMutation({ mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/apps/{app}/streams/{id}", { params: { path: { app: app.name, id } } })) });
  return (
    <section aria-labelledby="live-heading">
      <h2 id="live-heading">Live streams</h2>
      <p className="hint" role="status">
        {state === "open" ? "Updated as they change." : state === "connecting" ? "Connecting…" : state === "retrying" ? "Connection lost; reconnecting…" : "Live updates are not available."}
      </p>
      {stop.isError ? <ErrorNote error={stop.error} what="Not stopped" /> : null}
      {streams?.length === 0 ? (
        <p className="empty">
          Nothing is live. Publish from the <a href={`/samples/${app.name}/publish.html`}>sample publish page</a> with a token minted below, or from OBS through an ingress.
        </p>
      ) : null}
      {streams && streams.length > 0 ? (
        <table aria-describedby="live-heading">
          <thead>
            <tr>
              <th scope="col">Room</th>
              <th scope="col">Publisher</th>
              <th scope="col">Type</th>
              <th scope="col">Since</th>
              <th scope="col">Viewers</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {streams.map((stream) => (
              <tr key={stream.id} data-stream={stream.id}>
                <td>{appRoom(app, stream.room)}</td>
                <td>{stream.participant}</td>
                <td>{stream.type}</td>
                <td>{new Date(stream.startedAt).toLocaleTimeString()}</td>
                <td className="viewers">{stream.viewers ?? "—"}</td>
                <td className="actions">
                  <button type="button" aria-pressed={watching === stream.id} onClick={() => setWatching(watching === stream.id ? null : stream.id)}>
                    {watching === stream.id ? "Hide player" : "Watch"}
                  </button>
                  {can(me, "stream:stop") ? (
                    <button type="button" className="danger" disabled={stop.isPending} onClick={() => stop.mutate(stream.id)} aria-label={`Stop ${stream.participant} in ${appRoom(app, stream.room)}`}>
                      Stop
                    </button>
                  ) : null}
                  <button type="button" aria-pressed={inspecting === stream.id} onClick={() => setInspecting(inspecting === stream.id ? null : stream.id)} aria-label={`Details of ${stream.participant} in ${appRoom(app, stream.room)}`}>
                    Details
                  </button>
                  <StreamMedia app={app.name} stream={stream} room={appRoom(app, stream.room)} label={`${stream.participant} in ${appRoom(app, stream.room)}`} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {inspecting && streams?.some((s) => s.id === inspecting) ? <StreamDetails app={app.name} streamId={inspecting} onClose={() => setInspecting(null)} /> : null}
      {watching && streams?.some((s) => s.id === watching) ? <Player app={app.name} room={appRoom(app, streams.find((s) => s.id === watching)!.room)} /> : null}
    </section>
  );
}

function JoinTokens({ app }: { app: string }) {
  const me = useMe().data;
  const mint = useMutation({ mutationFn: (body: Schemas["JoinTokenRequest"]) => unwrap(api.POST("/api/v1/apps/{app}/tokens", { params: { path: { app } }, body })) });
  if (!can(me, "stream:write")) return null;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const identity = String(form.get("identity") ?? "").trim();
    mint.mutate({ room: String(form.get("room")).trim(), canPublish: form.get("canPublish") === "on", ...(identity ? { identity } : {}) });
  };
  const token = mint.data;
  return (
    <section aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">Join token for testing</h2>
      <form onSubmit={submit} className="row">
        <label>
          Room
          <input name="room" required defaultValue="lobby" />
        </label>
        <label>
          Identity (optional)
          <input name="identity" />
        </label>
        <label className="check">
          <input type="checkbox" name="canPublish" defaultChecked /> May publish
        </label>
        <button type="submit" disabled={mint.isPending}>Mint token</button>
      </form>
      {mint.isError ? <ErrorNote error={mint.error} what="No token" /> : null}
      {token ? (
        <div className="result" role="status">
          <p>
            A {token.canPublish ? "publisher" : "viewer"} token for <code>{token.room}</code> as <code>{token.identity}</code>, valid until {new Date(token.expiresAt).toLocaleString()}.
          </p>
          <label>
            Token
            <textarea readOnly value={token.token} rows={3} onFocus={(e) => e.currentTarget.select()} />
          </label>
          <p>
            {token.canPublish ? (
              <a href={`/samples/${app}/publish.html#room=${encodeURIComponent(token.room)}&token=${encodeURIComponent(token.token)}&wsUrl=${encodeURIComponent(token.wsUrl)}`} target="_blank" rel="noopener">Publish with it on the sample page</a>
            ) : null}{" "}
            <a href={token.playUrl} target="_blank" rel="noopener">Open the player</a>
          </p>
        </div>
      ) : null}
    </section>
  );
}

/** The app's features, with the server's defaults (API.md: on unless turned off, or off unless turned on). */
const FEATURES: [keyof Schemas["AppFeatures"], string, boolean][] = [
  ["publicPlayback", "Public playback (/play, /embed, play tokens)", true],
  ["viewerCounter", "Count viewers", true],
  ["adaptivePlayer", "Adaptive player", true],
  ["hiddenQc", "Hidden QC participants", true],
  ["rtmpPassword", "RTMP stream passwords", false],
  ["chat", "Chat", false],
  ["reactions", "Reactions", false],
];

function Settings({ app }: { app: Schemas["AppRecord"] }) {
  const me = useMe().data;
  const queries = useQueryClient();
  const save = useMutation({
    mutationFn: (body: Schemas["UpdateApp"]) => unwrap(api.PATCH("/api/v1/apps/{app}", { params: { path: { app: app.name } }, body })),
    onSuccess: (updated) => {
      queries.setQueryData(keys.app(app.name), updated);
      return queries.invalidateQueries({ queryKey: keys.apps });
    },
  });
  const editable = can(me, "app:write");
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const features: Schemas["AppFeatures"] = {};
    for (const [feature] of FEATURES) features[feature] = form.get(feature) === "on";
    save.mutate({ displayName: String(form.get("displayName")).trim(), features, autoRecord: form.get("autoRecord") === "on" });
  };
  // The settings come in one place, the original StreamHub's settingsJson string.
  const settings = JSON.parse(app.settingsJson) as { features?: Schemas["AppFeatures"]; autoRecord?: boolean };
  const features = settings.features ?? {};
  return (
    <section aria-labelledby="settings-heading">
      <h2 id="settings-heading">Settings</h2>
      <form onSubmit={submit} key={app.updatedAt}>
        <fieldset disabled={!editable || save.isPending}>
          <legend className="visually-hidden">App settings</legend>
          <label>
            Display name
            <input name="displayName" defaultValue={app.displayName} />
          </label>
          {FEATURES.map(([feature, label, byDefault]) => (
            <label className="check" key={feature}>
              <input type="checkbox" name={feature} defaultChecked={features[feature] ?? byDefault} /> {label}
            </label>
          ))}
          <label className="check">
            <input type="checkbox" name="autoRecord" defaultChecked={settings.autoRecord ?? false} /> Record every stream as it starts
          </label>
          {editable ? <button type="submit">Save settings</button> : <p className="hint">Your role may read these settings, not change them.</p>}
        </fieldset>
      </form>
      {save.isError ? <ErrorNote error={save.error} what="Not saved" /> : null}
      {save.isSuccess ? <p role="status" className="good">Saved.</p> : null}
    </section>
  );
}
