import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client.ts";
import { useMe } from "../../auth/me.ts";
import { can } from "../../auth/permissions.ts";
import { Drawer } from "../../ui/Drawer.tsx";
import { ErrorNote } from "../../ui/ErrorNote.tsx";
import { Facts } from "../../ui/Facts.tsx";

/** The query key of the app's recordings still running: one fetch shared by every row of the live list. */
export const runningKey = (app: string) => ["apps", app, "vods", "recording"] as const;

/**
 * The app's recordings still running, from the API (so a reload still shows
 * them, and they can be stopped after one). Used only while a stream is live
 * (the live list's rows): egress moves a recording on by LiveKit's webhooks,
 * and autoRecord starts one just after the stream appears, neither of which
 * the live feed carries, so it is asked again every 5 s — one app, one call.
 */
export function useRunningRecordings(app: string) {
  const me = useMe().data;
  return useQuery({
    queryKey: runningKey(app),
    queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/vods", { params: { path: { app }, query: { status: "recording", limit: 100 } } })),
    enabled: can(me, "vod:read"),
    refetchInterval: 5_000,
  });
}

/**
 * One live stream's recording and live HLS (both write to the app's bucket):
 * record its room (composite) or its publisher alone; what records it now,
 * each stopped by its own id; start and stop HLS.
 */
export function StreamMedia({ app, stream, room, label }: { app: string; stream: Schemas["Stream"]; room: string; label: string }) {
  const me = useMe().data;
  const queries = useQueryClient();
  const path = { app, id: stream.id };
  const hlsKey = ["apps", app, "streams", stream.id, "hls"] as const;
  const hls = useQuery({ queryKey: hlsKey, queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/streams/{id}/hls", { params: { path } })) });
  const setHls = (data: unknown) => queries.setQueryData(hlsKey, data);
  const startHls = useMutation({ mutationFn: () => unwrap(api.POST("/api/v1/apps/{app}/streams/{id}/hls/start", { params: { path } })), onSuccess: setHls });
  const stopHls = useMutation({ mutationFn: () => unwrap(api.POST("/api/v1/apps/{app}/streams/{id}/hls/stop", { params: { path } })), onSuccess: setHls });

  const running = useRunningRecordings(app);
  const recordingsChanged = () => queries.invalidateQueries({ queryKey: ["apps", app, "vods"] });
  const recordRoom = useMutation({ mutationFn: () => unwrap(api.POST("/api/v1/apps/{app}/streams/{id}/record/start", { params: { path } })), onSuccess: recordingsChanged });
  const recordAlone = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/apps/{app}/recording/start", { params: { path: { app } }, body: { roomName: room, streamId: stream.id, mode: "participant", layout: "grid" } })),
    onSuccess: recordingsChanged,
  });
  const stopRecording = useMutation({
    mutationFn: (vodId: string) => unwrap(api.POST("/api/v1/apps/{app}/recording/{id}/stop", { params: { path: { app, id: vodId } } })),
    onSuccess: recordingsChanged,
  });

  // What records this stream: its room's composite, or this publisher alone.
  const recordings = (running.data ?? []).filter((vod) => vod.room === stream.room && (vod.mode === "room-composite" || vod.streamId === stream.id));
  const roomRecording = recordings.find((vod) => vod.mode === "room-composite");
  const aloneRecording = recordings.find((vod) => vod.mode === "participant");
  const pending = recordRoom.isPending || recordAlone.isPending || stopRecording.isPending;
  return (
    <div className="media">
      {recordings.map((vod) => (
        <span key={vod.id} className="recording" data-recording={vod.id}>
          <span className="dot" aria-hidden="true" />
          {vod.mode === "room-composite" ? "Recording the room" : "Recording alone"} since {new Date(vod.startedAt).toLocaleTimeString()}
          {can(me, "recording:stop") ? (
            <button type="button" onClick={() => stopRecording.mutate(vod.id)} disabled={pending} aria-label={`Stop recording ${vod.mode === "room-composite" ? `room ${room}` : `alone: ${label}`}`}>
              Stop recording
            </button>
          ) : null}
        </span>
      ))}
      {can(me, "recording:start") && running.isSuccess ? (
        <>
          {!roomRecording ? (
            <button type="button" onClick={() => recordRoom.mutate()} disabled={pending} aria-label={`Record room ${room}`}>Record room</button>
          ) : null}
          {!aloneRecording ? (
            <button type="button" onClick={() => recordAlone.mutate()} disabled={pending} aria-label={`Record alone: ${label}`}>Record alone</button>
          ) : null}
        </>
      ) : null}
      {can(me, "stream:write") ? (
        hls.data?.active ? (
          <button type="button" onClick={() => stopHls.mutate()} disabled={stopHls.isPending} aria-label={`Stop HLS of ${label}`}>Stop HLS</button>
        ) : (
          <button type="button" onClick={() => startHls.mutate()} disabled={startHls.isPending} aria-label={`Start HLS of ${label}`}>Start HLS</button>
        )
      ) : null}
      {hls.data?.active && hls.data.playlistUrl ? <a href={hls.data.playlistUrl}>HLS playlist</a> : null}
      {[startHls, stopHls, recordRoom, recordAlone, stopRecording].map((m, i) => (m.isError ? <ErrorNote key={i} error={m.error} /> : null))}
    </div>
  );
}

/** One stream as the API has it now (GET …/streams/{id}): where it comes from and its last reported stats. */
export function StreamDetails({ app, streamId, onClose }: { app: string; streamId: string; onClose(): void }) {
  const detail = useQuery({
    queryKey: ["apps", app, "streams", streamId],
    queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/streams/{id}", { params: { path: { app, id: streamId } } })),
    refetchInterval: 5_000,
  });
  const stats = parseStats(detail.data?.lastStatsJson);
  return (
    <Drawer title={`Stream ${streamId}`} onClose={onClose}>
      {detail.isError ? <ErrorNote error={detail.error} /> : null}
      {detail.data ? (
        <Facts
          facts={[
            ["Status", `${detail.data.status}${detail.data.endReason ? ` (${detail.data.endReason})` : ""}`],
            ["Type", `${detail.data.type}${detail.data.ingressId ? ` from ingress ${detail.data.ingressId}` : ""}`],
            ["Started", new Date(detail.data.startedAt).toLocaleString()],
            ["Viewers", detail.data.viewers === undefined ? "not counted (viewerCounter off)" : String(detail.data.viewers)],
            ...stats,
          ]}
        />
      ) : null}
    </Drawer>
  );
}

/** The stream's last stats as name/value pairs (whatever LiveKit last reported; nothing when it reported nothing). */
function parseStats(json: string | undefined): [string, string][] {
  try {
    const stats = JSON.parse(json ?? "{}") as Record<string, unknown>;
    return Object.entries(stats)
      .filter(([, value]) => value !== null && typeof value !== "object")
      .map(([name, value]) => [name, String(value)]);
  } catch {
    return [];
  }
}
