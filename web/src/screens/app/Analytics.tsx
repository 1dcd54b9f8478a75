import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useRef, type FormEvent } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { api, unwrap, type Schemas } from "../../api/client.ts";
import { saveDownload } from "../../api/download.ts";
import { keys } from "../../api/queries.ts";
import { useMe } from "../../auth/me.ts";
import { can } from "../../auth/permissions.ts";
import { ErrorNote } from "../../ui/ErrorNote.tsx";
import type { SeriesValue } from "../../ui/series.ts";
import { SeriesChart } from "../../ui/SeriesChart.tsx";
import { appRoom } from "./rooms.ts";
import { SessionReports } from "./SessionReports.tsx";

// One app's history (GET …/analytics): its live numbers over a range, as
// charts, and each stream's session reports (GET …/streams/{id}/sessions).
// Loaded on demand (React.lazy in main.tsx): the first screen does not carry it.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The ranges offered: minutes up to a day (the API's limit for minutes), hours beyond (kept 90 days). */
const RANGES = {
  "1h": { label: "Last hour", resolution: "minute", span: HOUR },
  "24h": { label: "Last 24 hours", resolution: "minute", span: DAY },
  "7d": { label: "Last 7 days", resolution: "hour", span: 7 * DAY },
  "30d": { label: "Last 30 days", resolution: "hour", span: 30 * DAY },
  "90d": { label: "Last 90 days", resolution: "hour", span: 90 * DAY },
} as const;
type Range = keyof typeof RANGES;
const isRange = (value: string | null): value is Range => value !== null && value in RANGES;

const CHARTS: { key: "viewers" | "streams" | "publishers" | "ingestKbps"; title: string; unit: [string, string]; noneNote: string }[] = [
  { key: "viewers", title: "Viewers", unit: ["viewer", "viewers"], noneNote: "No viewers in this range." },
  { key: "streams", title: "Live streams", unit: ["stream", "streams"], noneNote: "No live streams in this range." },
  { key: "publishers", title: "Publishers", unit: ["publisher", "publishers"], noneNote: "No publishers in this range." },
  {
    key: "ingestKbps",
    title: "Ingest bitrate",
    unit: ["kbps", "kbps"],
    noneNote: "No ingest bitrate reported in this range: LiveKit reports it for ingresses (RTMP, WHIP, URL, RTSP), not for publishers in a browser.",
  },
];

/** A call's result asked for as JSON (`format=json`): its data is the envelope. */
type Json<T> = { data?: { data: T }; error?: unknown; response: Response };

/** The range's bounds as the API takes them: up to the end of the bucket under way. */
function bounds(range: Range, now: number) {
  const { resolution, span } = RANGES[range];
  const step = resolution === "minute" ? MINUTE : HOUR;
  const to = Math.floor(now / step) * step + step;
  return { resolution, from: new Date(to - span).toISOString(), to: new Date(to).toISOString() };
}

export default function AnalyticsScreen() {
  const { app: name = "" } = useParams();
  const me = useMe().data;
  const [search, setSearch] = useSearchParams();
  const range: Range = isRange(search.get("range")) ? (search.get("range") as Range) : "1h";
  const stream = search.get("stream");
  const app = useQuery({ queryKey: keys.app(name), queryFn: () => unwrap(api.GET("/api/v1/apps/{app}", { params: { path: { app: name } } })) });
  const set = (changes: Record<string, string | null>) =>
    setSearch(
      (previous) => {
        const next = new URLSearchParams(previous);
        for (const [key, value] of Object.entries(changes)) {
          if (value === null) next.delete(key);
          else next.set(key, value);
        }
        return next;
      },
      { replace: true },
    );

  if (!can(me, "app:read")) {
    return (
      <>
        <h1>Analytics</h1>
        <p className="empty">Your role may not read this app's analytics.</p>
      </>
    );
  }
  return (
    <>
      <p className="crumbs">
        <Link to="/apps">Apps</Link> / <Link to={`/apps/${encodeURIComponent(name)}`}>{name}</Link> / Analytics
      </p>
      <h1>Analytics of {app.data?.displayName || name}</h1>
      {app.isError ? <ErrorNote error={app.error} /> : null}
      <History app={name} range={range} onRange={(next) => set({ range: next })} />
      {can(me, "stream:read") && app.data ? <Sessions app={app.data} stream={stream} onStream={(id) => set({ stream: id })} /> : null}
    </>
  );
}

function History({ app, range, onRange }: { app: string; range: Range; onRange(range: Range): void }) {
  const { resolution } = RANGES[range];
  const series = useQuery({
    queryKey: ["apps", app, "analytics", range],
    // format=json: the response is the envelope (its type also allows the CSV string).
    queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/analytics", { params: { path: { app }, query: { ...bounds(range, Date.now()), format: "json" } } }) as Promise<Json<Schemas["AnalyticsSeries"]>>),
    // A minute series gains a point a minute; an hourly one is refreshed when asked again.
    refetchInterval: resolution === "minute" ? MINUTE : false,
  });
  const download = useMutation({
    mutationFn: () =>
      saveDownload(api.GET("/api/v1/apps/{app}/analytics", { params: { path: { app }, query: { ...bounds(range, Date.now()), format: "csv" } }, parseAs: "blob" }), `${app}-analytics.csv`),
  });
  const points = series.data?.points;
  const nothingYet = points !== undefined && points.every((p) => p.streams === 0 && p.viewers === 0 && p.publishers === 0 && p.ingestKbps === null);
  const formatTs = (ts: string) =>
    resolution === "minute"
      ? new Date(ts).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" })
      : new Date(ts).toLocaleString([], { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
  const values = (key: (typeof CHARTS)[number]["key"]): SeriesValue[] => (points ?? []).map((p) => ({ ts: p.ts, value: p[key] }));

  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">Live numbers over time</h2>
      <div className="row">
        <fieldset className="scope">
          <legend>Range</legend>
          {(Object.keys(RANGES) as Range[]).map((key) => (
            <label className="check" key={key}>
              <input type="radio" name="range" value={key} checked={range === key} onChange={() => onRange(key)} /> {RANGES[key].label}
            </label>
          ))}
        </fieldset>
        <button type="button" onClick={() => download.mutate()} disabled={download.isPending}>
          Download CSV
        </button>
      </div>
      <p className="hint">
        {resolution === "minute" ? "A point a minute" : "A point an hour"}, each the peak of its {resolution}. Minutes are kept 7 days and hours 90 days, so the last hour and the last 24
        hours show every minute; 7, 30 and 90 days show hours.
      </p>
      {download.isError ? <ErrorNote error={download.error} what="Not downloaded" /> : null}
      {series.isError ? <ErrorNote error={series.error} what="No history" /> : null}
      {series.isPending ? <p role="status">Loading…</p> : null}
      {nothingYet ? (
        <div className="empty" role="status">
          <p>
            <strong>No history in this range yet.</strong> Numbers appear once a stream has been live in this app: each minute something is live, the app records its peak
            streams, viewers, publishers and ingest bitrate.
          </p>
          <p>Minutes are kept for 7 days (show the last hour or 24 hours), and rolled up into hours kept for 90 days (show 7, 30 or 90 days).</p>
        </div>
      ) : null}
      {points && !nothingYet ? (
        <div className="charts">
          {CHARTS.map((chart) => (
            <SeriesChart key={`${chart.key}-${range}`} title={chart.title} unit={chart.unit} values={values(chart.key)} formatTs={formatTs} bucket={resolution} noneNote={chart.noneNote} />
          ))}
        </div>
      ) : null}
    </section>
  );
}

function Sessions({ app, stream, onStream }: { app: Schemas["AppRecord"]; stream: string | null; onStream(id: string): void }) {
  const live = useQuery({ queryKey: keys.streams(app.name), queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/streams", { params: { path: { app: app.name } } })) });
  const heading = useRef<HTMLHeadingElement>(null);
  // Opened for one stream (from its details): land on its reports.
  const opened = useRef(stream);
  useEffect(() => {
    if (opened.current) heading.current?.scrollIntoView();
  }, []);
  // `<LiveKit room>/<identity>`: the room has no "/", an identity may.
  const slash = stream?.indexOf("/") ?? -1;
  const [room, publisher] = stream && slash > 0 ? [stream.slice(0, slash), stream.slice(slash + 1)] : [];
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    onStream(`${app.livekitRoomPrefix}-${String(form.get("room")).trim()}/${String(form.get("publisher")).trim()}`);
  };
  return (
    <section aria-labelledby="sessions-heading" id="sessions">
      <h2 id="sessions-heading" ref={heading}>Session reports</h2>
      <p className="hint">
        A report for each time a stream was live — a stream is one publisher in one room: how long, its viewers (peak, average, unique, watch minutes) and how playback went
        for them. Kept 90 days.
      </p>
      <form className="row" onSubmit={submit} key={stream ?? ""}>
        <label>
          Room
          <input name="room" required defaultValue={room ? appRoom(app, room) : ""} />
        </label>
        <label>
          Publisher identity
          <input name="publisher" required defaultValue={publisher ?? ""} />
        </label>
        <button type="submit">Show sessions</button>
      </form>
      {live.data && live.data.length > 0 ? (
        <p>
          Live now:{" "}
          {live.data.map((s) => (
            <button key={s.id} type="button" className="link chip" aria-pressed={s.id === stream} onClick={() => onStream(s.id)}>
              {s.participant} in {appRoom(app, s.room)}
            </button>
          ))}
        </p>
      ) : null}
      {stream ? (
        <>
          <h3>
            {publisher} in {room ? appRoom(app, room) : ""}
          </h3>
          <SessionReports app={app.name} streamId={stream} />
        </>
      ) : (
        <p className="empty">Name a room and its publisher to see that stream's sessions, or pick a live stream. A stream's details on the app's page link here too.</p>
      )}
    </section>
  );
}
