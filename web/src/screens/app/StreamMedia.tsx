import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client.ts";
import { useMe } from "../../auth/me.ts";
import { can } from "../../auth/permissions.ts";
import { ErrorNote } from "../../ui/ErrorNote.tsx";

/** One live stream's recording and live HLS: start and stop each (both write to the app's bucket). */
export function StreamMedia({ app, streamId, label }: { app: string; streamId: string; label: string }) {
  const me = useMe().data;
  const queries = useQueryClient();
  const path = { app, id: streamId };
  const hlsKey = ["apps", app, "streams", streamId, "hls"] as const;
  const hls = useQuery({ queryKey: hlsKey, queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/streams/{id}/hls", { params: { path } })) });
  const setHls = (data: unknown) => queries.setQueryData(hlsKey, data);
  const startHls = useMutation({ mutationFn: () => unwrap(api.POST("/api/v1/apps/{app}/streams/{id}/hls/start", { params: { path } })), onSuccess: setHls });
  const stopHls = useMutation({ mutationFn: () => unwrap(api.POST("/api/v1/apps/{app}/streams/{id}/hls/stop", { params: { path } })), onSuccess: setHls });
  const record = useMutation({ mutationFn: () => unwrap(api.POST("/api/v1/apps/{app}/streams/{id}/record/start", { params: { path } })) });
  const stopRecord = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/apps/{app}/streams/{id}/record/stop", { params: { path } })),
    onSuccess: () => {
      record.reset();
      return queries.invalidateQueries({ queryKey: ["apps", app, "vods"] });
    },
  });
  const recording = record.isSuccess;
  return (
    <div className="media">
      {can(me, "stream:write") ? (
        hls.data?.active ? (
          <button type="button" onClick={() => stopHls.mutate()} disabled={stopHls.isPending} aria-label={`Stop HLS of ${label}`}>Stop HLS</button>
        ) : (
          <button type="button" onClick={() => startHls.mutate()} disabled={startHls.isPending} aria-label={`Start HLS of ${label}`}>Start HLS</button>
        )
      ) : null}
      {hls.data?.active && hls.data.playlistUrl ? <a href={hls.data.playlistUrl}>HLS playlist</a> : null}
      {recording && can(me, "recording:stop") ? (
        <button type="button" onClick={() => stopRecord.mutate()} disabled={stopRecord.isPending} aria-label={`Stop recording ${label}`}>Stop recording</button>
      ) : null}
      {!recording && can(me, "recording:start") ? (
        <button type="button" onClick={() => record.mutate()} disabled={record.isPending} aria-label={`Record ${label}`}>Record</button>
      ) : null}
      {[startHls, stopHls, record, stopRecord].map((m, i) => (m.isError ? <ErrorNote key={i} error={m.error} /> : null))}
    </div>
  );
}
