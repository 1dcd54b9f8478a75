import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client.ts";
import { useMe } from "../../auth/me.ts";
import { can } from "../../auth/permissions.ts";
import { ErrorNote } from "../../ui/ErrorNote.tsx";
import { LogTable } from "../../ui/LogTable.tsx";

const ms = (value: number | null) => (value === null ? "—" : `${Math.round(value)} ms`);

/** How playback went for viewers (the players' quality reports) and the app's recent server log lines. */
export function Activity({ app }: { app: string }) {
  const me = useMe().data;
  const qoe = useQuery({ queryKey: ["apps", app, "qoe"], queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/qoe", { params: { path: { app }, query: { limit: 1 } } })), enabled: can(me, "app:read") });
  const logs = useQuery({ queryKey: ["apps", app, "logs"], queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/logs", { params: { path: { app }, query: { limit: 20 } } })), enabled: can(me, "usage:read") });
  const summary = qoe.data?.summary;
  return (
    <section aria-labelledby="activity-heading">
      <h2 id="activity-heading">Playback quality and log</h2>
      {qoe.isError ? <ErrorNote error={qoe.error} what="Playback quality" /> : null}
      {summary && summary.views === 0 ? <p className="empty">No views reported yet: the player reports how each view went (time to first frame, rebuffering, WebRTC or HLS).</p> : null}
      {summary && summary.views > 0 ? (
        <p>
          {summary.views} views ({summary.byPath.webrtc} WebRTC, {summary.byPath.hls} HLS, {summary.byPath.none} never played); first frame after {ms(summary.medianFirstFrameMs)} (median), {ms(summary.p95FirstFrameMs)} (95th percentile)
          {summary.rebufferRatio === null ? "" : `; rebuffering ${(summary.rebufferRatio * 100).toFixed(1)} % of the time`}.
        </p>
      ) : null}
      {logs.isError ? <ErrorNote error={logs.error} what="Log" /> : null}
      {logs.data && logs.data.length > 0 ? <LogTable lines={logs.data} label="The app's recent log lines" /> : null}
      {logs.data?.length === 0 ? <p className="hint">No log lines for this app.</p> : null}
    </section>
  );
}
