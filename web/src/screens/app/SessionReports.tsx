import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type Schemas } from "../../api/client.ts";
import { saveDownload } from "../../api/download.ts";
import { ErrorNote } from "../../ui/ErrorNote.tsx";

const PAGE = 10;
/** The API's largest page: the CSV download holds this many of the newest sessions. */
const CSV_LIMIT = 500;

const duration = (s: number) => (s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`);
const ms = (value: number | null) => (value === null ? "—" : `${Math.round(value)} ms`);
const when = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });

/**
 * One stream's session reports (each time it was live), newest first, a page
 * at a time: when and how long, its viewers, and how playback went for them.
 */
export function SessionReports({ app, streamId }: { app: string; streamId: string }) {
  const [offset, setOffset] = useState(0);
  const path = { app, id: streamId };
  const sessions = useQuery({
    queryKey: ["apps", app, "streams", streamId, "sessions", offset],
    queryFn: async () => {
      // format=json: the body is the page (its type also allows the CSV string).
      const { data, error, response } = (await api.GET("/api/v1/apps/{app}/streams/{id}/sessions", { params: { path, query: { limit: PAGE, offset, format: "json" } } })) as {
        data?: { data: Schemas["StreamSession"][]; total: number };
        error?: unknown;
        response: Response;
      };
      if (!response.ok || !data) return unwrap<never>(Promise.resolve({ error, response }));
      return data;
    },
    // A live session reports its figures so far.
    refetchInterval: 15_000,
  });
  const download = useMutation({
    mutationFn: () => saveDownload(api.GET("/api/v1/apps/{app}/streams/{id}/sessions", { params: { path, query: { limit: CSV_LIMIT, format: "csv" } }, parseAs: "blob" }), `${app}-sessions.csv`),
  });
  const rows = sessions.data?.data;
  const total = sessions.data?.total ?? 0;
  const label = `Sessions of ${streamId}`;
  return (
    <div className="sessions">
      {sessions.isError ? <ErrorNote error={sessions.error} what="No session reports" /> : null}
      {rows && total === 0 ? (
        <p className="empty">
          No sessions of <code>{streamId}</code> in the last 90 days. A report is written each time the stream is live, and kept 90 days.
        </p>
      ) : null}
      {rows && rows.length > 0 ? (
        <>
          <div className="scroll" tabIndex={0} role="region" aria-label={label}>
            <table>
              <caption className="visually-hidden">{label}, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Peak viewers</th>
                  <th scope="col">Average viewers</th>
                  <th scope="col">Unique viewers</th>
                  <th scope="col">Watch minutes</th>
                  <th scope="col">First frame (median / p95)</th>
                  <th scope="col">Rebuffering</th>
                  <th scope="col">HLS fallbacks</th>
                  <th scope="col">Health</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((session) => (
                  <SessionRow key={session.id} session={session} />
                ))}
              </tbody>
            </table>
          </div>
          <div className="row pager">
            <p role="status">
              Sessions {offset + 1}–{offset + rows.length} of {total}
            </p>
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Newer</button>
            <button type="button" disabled={offset + rows.length >= total} onClick={() => setOffset(offset + PAGE)}>Older</button>
            <button type="button" disabled={download.isPending} onClick={() => download.mutate()}>
              Download CSV<span className="visually-hidden"> of the sessions of {streamId}</span>
            </button>
          </div>
          {download.isError ? <ErrorNote error={download.error} what="Not downloaded" /> : null}
        </>
      ) : null}
    </div>
  );
}

function SessionRow({ session }: { session: Schemas["StreamSession"] }) {
  const qoe = session.qoe;
  return (
    <tr data-session={session.id}>
      <td>
        {when(session.startedAt)}
        {session.status === "live" ? <span className="good"> live now</span> : session.endedAt ? <span className="hint"> to {new Date(session.endedAt).toLocaleTimeString([], { timeStyle: "short" })}</span> : null}
      </td>
      <td>{duration(session.durationS)}</td>
      <td className="peak">{session.peakViewers}</td>
      <td>{session.avgViewers.toFixed(1)}</td>
      <td>{session.uniqueViewers}</td>
      <td>{session.watchMinutes.toFixed(1)}</td>
      <td>{qoe.views === 0 ? <span className="hint">no player reports</span> : `${ms(qoe.medianFirstFrameMs)} / ${ms(qoe.p95FirstFrameMs)}`}</td>
      <td>{qoe.rebufferRatio === null ? "—" : `${(qoe.rebufferRatio * 100).toFixed(1)} %`}</td>
      <td>{qoe.views === 0 ? "—" : `${qoe.hlsFallbacks} of ${qoe.views}${qoe.failed ? ` (${qoe.failed} never played)` : ""}`}</td>
      <td>{session.health}</td>
    </tr>
  );
}
