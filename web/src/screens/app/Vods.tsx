import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../../api/client.ts";
import { useMe } from "../../auth/me.ts";
import { can } from "../../auth/permissions.ts";
import { ErrorNote } from "../../ui/ErrorNote.tsx";

/** The app's recordings: play, download (a presigned link from the app's bucket), delete; stop one still running. */
export function Vods({ app }: { app: string }) {
  const me = useMe().data;
  const queries = useQueryClient();
  const key = ["apps", app, "vods"] as const;
  const vods = useQuery({ queryKey: key, queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/vods", { params: { path: { app }, query: { limit: 50, order: "started_at", dir: "desc" } } })), enabled: can(me, "vod:read") });
  const [playing, setPlaying] = useState<string | null>(null);
  const detail = useQuery({
    queryKey: ["apps", app, "vods", playing],
    queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/vods/{id}", { params: { path: { app, id: playing! } } })),
    enabled: playing !== null,
  });
  // A running recording cannot be deleted (409): it is stopped first, here or in the live list.
  const stop = useMutation({
    mutationFn: (id: string) => unwrap(api.POST("/api/v1/apps/{app}/recording/{id}/stop", { params: { path: { app, id } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: key }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/apps/{app}/vods/{id}", { params: { path: { app, id } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: key }),
  });
  if (!can(me, "vod:read")) return null;
  const url = detail.data?.presignedUrl ?? detail.data?.url ?? null;
  return (
    <section aria-labelledby="vods-heading">
      <h2 id="vods-heading">Recordings</h2>
      {vods.isError ? <ErrorNote error={vods.error} /> : null}
      {vods.data?.length === 0 ? <p className="empty">No recordings yet. Turn on “Record every stream as it starts” below, or start one through the API; files go to the app's bucket.</p> : null}
      {vods.data && vods.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Room</th>
              <th scope="col">Started</th>
              <th scope="col">Length</th>
              <th scope="col">Status</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {vods.data.map((vod) => (
              <tr key={vod.id}>
                <td>{vod.room}</td>
                <td>{new Date(vod.startedAt).toLocaleString()}</td>
                <td>{vod.durationS === null ? "—" : `${Math.round(vod.durationS)} s`}</td>
                <td>{vod.status}{vod.error ? `: ${vod.error}` : ""}</td>
                <td className="actions">
                  {vod.status === "ready" ? <button type="button" onClick={() => setPlaying(playing === vod.id ? null : vod.id)}>{playing === vod.id ? "Close" : "Play"}</button> : null}
                  {vod.status === "recording" && can(me, "recording:stop") ? (
                    <button type="button" disabled={stop.isPending} onClick={() => stop.mutate(vod.id)} aria-label={`Stop recording ${vod.room} from ${new Date(vod.startedAt).toLocaleString()}`}>Stop recording</button>
                  ) : null}
                  {vod.status !== "recording" && can(me, "vod:delete") ? (
                    <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate(vod.id)} aria-label={`Delete the recording of ${vod.room} from ${new Date(vod.startedAt).toLocaleString()}`}>Delete</button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {remove.isError ? <ErrorNote error={remove.error} what="Not deleted" /> : null}
      {stop.isError ? <ErrorNote error={stop.error} what="Not stopped" /> : null}
      {detail.isError ? <ErrorNote error={detail.error} what="Cannot play" /> : null}
      {playing && url ? (
        <div className="result">
          <video src={url} controls className="player" aria-label="Recording" />
          <p><a href={url} download>Download</a></p>
        </div>
      ) : null}
    </section>
  );
}
