import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, unwrap, type Schemas } from "../../api/client.ts";
import { useMe } from "../../auth/me.ts";
import { can } from "../../auth/permissions.ts";
import { Drawer } from "../../ui/Drawer.tsx";
import { ErrorNote } from "../../ui/ErrorNote.tsx";
import { Facts } from "../../ui/Facts.tsx";

type InputType = Schemas["CreateIngress"]["inputType"];
const TYPES: [InputType, string][] = [
  ["rtmp", "RTMP (OBS, encoders)"],
  ["whip", "WHIP (WebRTC encoders)"],
  ["url", "Pull a URL (HTTP, HLS, SRT)"],
  ["rtsp", "Pull an RTSP camera (through the relay)"],
];

/** The app's ingresses: create one (URL and key to copy; an RTMP password shown once), list, delete. */
export function Ingresses({ app }: { app: string }) {
  const me = useMe().data;
  const queries = useQueryClient();
  const key = ["apps", app, "ingress"] as const;
  const ingresses = useQuery({ queryKey: key, queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/ingress", { params: { path: { app } } })), enabled: can(me, "ingress:read") });
  const [type, setType] = useState<InputType>("rtmp");
  const [inspecting, setInspecting] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (body: Schemas["CreateIngress"]) => unwrap(api.POST("/api/v1/apps/{app}/ingress", { params: { path: { app } }, body })),
    onSuccess: () => queries.invalidateQueries({ queryKey: key }),
  });
  const remove = useMutation({
    mutationFn: (ingressId: string) => unwrap(api.DELETE("/api/v1/apps/{app}/ingress/{ingressId}", { params: { path: { app, ingressId } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: key }),
  });
  if (!can(me, "ingress:read")) return null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const body: Schemas["CreateIngress"] = { inputType: type, room: text("room") };
    if (text("name")) body.name = text("name");
    if (type === "url" || type === "rtsp") body.url = text("url");
    create.mutate(body);
  };
  const created = create.data;

  return (
    <section aria-labelledby="ingress-heading">
      <h2 id="ingress-heading">Ingress</h2>
      {can(me, "ingress:create") ? (
        <form onSubmit={submit} className="row">
          <label>
            Kind
            <select name="inputType" value={type} onChange={(e) => setType(e.target.value as InputType)}>
              {TYPES.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
            </select>
          </label>
          <label>
            Room
            <input name="room" required defaultValue="studio" />
          </label>
          <label>
            Name (optional)
            <input name="name" />
          </label>
          {type === "url" || type === "rtsp" ? (
            <label>
              Source URL
              <input name="url" type="url" required placeholder={type === "rtsp" ? "rtsp://camera.local/stream" : "https://example.com/live.m3u8"} />
            </label>
          ) : null}
          <button type="submit" disabled={create.isPending}>Create ingress</button>
        </form>
      ) : null}
      {create.isError ? <ErrorNote error={create.error} what="No ingress" /> : null}
      {created ? (
        <div className="result" role="status">
          <p>Ingress <strong>{created.name}</strong> into room <code>{created.roomName}</code>.</p>
          {created.rtmp_url ? <Copyable label="Server URL" value={created.rtmp_url} /> : <Copyable label="URL" value={created.url} />}
          {created.stream_key ? <Copyable label="Stream key" value={created.stream_key} /> : null}
          {created.stream_password ? <Copyable label="Stream password (shown once)" value={created.stream_password} /> : null}
          <p><a href={created.player_url} target="_blank" rel="noopener">Open its player</a></p>
        </div>
      ) : null}
      {ingresses.isError ? <ErrorNote error={ingresses.error} /> : null}
      {ingresses.data?.length === 0 ? <p className="empty">No ingresses: create one to stream from OBS, an encoder, a URL or an RTSP camera.</p> : null}
      {ingresses.data && ingresses.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Room</th>
              <th scope="col">Status</th>
              <th scope="col">URL</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {ingresses.data.map((ingress) => (
              <tr key={ingress.ingressId}>
                <td>{ingress.name}</td>
                <td>{ingress.inputType}</td>
                <td>{ingress.room}</td>
                <td>{ingress.status}{ingress.relay?.error ? `: ${ingress.relay.error}` : ""}</td>
                <td className="ua"><code>{ingress.publishUrl ?? ingress.url}</code></td>
                <td className="actions">
                  <button type="button" aria-pressed={inspecting === ingress.ingressId} onClick={() => setInspecting(inspecting === ingress.ingressId ? null : ingress.ingressId)} aria-label={`Details of ingress ${ingress.name}`}>
                    Details
                  </button>
                  {can(me, "ingress:delete") ? (
                    <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate(ingress.ingressId)} aria-label={`Delete ingress ${ingress.name}`}>Delete</button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {remove.isError ? <ErrorNote error={remove.error} what="Not deleted" /> : null}
      {inspecting && ingresses.data?.some((i) => i.ingressId === inspecting) ? <IngressDetails app={app} ingressId={inspecting} onClose={() => setInspecting(null)} /> : null}
    </section>
  );
}

/**
 * One ingress as the API has it now (GET …/ingress/{id}, asked again every
 * 5 s): whether an encoder is publishing, the relay's last report for RTSP,
 * and the URL and key to copy again (the key only for roles that may edit).
 */
function IngressDetails({ app, ingressId, onClose }: { app: string; ingressId: string; onClose(): void }) {
  const detail = useQuery({
    queryKey: ["apps", app, "ingress", ingressId],
    queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/ingress/{ingressId}", { params: { path: { app, ingressId } } })),
    refetchInterval: 5_000,
  });
  const ingress = detail.data;
  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");
  return (
    <Drawer title={`Ingress ${ingress?.name ?? ingressId}`} onClose={onClose}>
      {detail.isError ? <ErrorNote error={detail.error} /> : null}
      {ingress ? (
        <>
          <Facts
            facts={[
              ["Status", ingress.status],
              ["Kind", `${ingress.inputType}${ingress.transcoding ? ", transcoded" : ""}`],
              ["Room", ingress.room],
              ["Publishes as", `${ingress.participantName} (${ingress.participantIdentity})`],
              ["Started", when(ingress.startedAt)],
              ["Ended", when(ingress.endedAt)],
              ["Viewers", ingress.viewers === null ? "—" : String(ingress.viewers)],
              ["Stream password", ingress.requiresPassword ? `required${ingress.passwordValidatedAt ? `, last accepted ${when(ingress.passwordValidatedAt)}` : ""}` : "not required"],
              ...(ingress.sourceUrl ? [["Source", ingress.sourceUrl] as [string, string]] : []),
              ...(ingress.relay ? [["Relay", `${ingress.relay.status}${ingress.relay.error ? `: ${ingress.relay.error}` : ""} (${ingress.relay.restarts} restarts)`] as [string, string]] : []),
            ]}
          />
          <Copyable label={`Publish URL of ${ingress.name}`} value={ingress.publishUrl ?? ingress.url} />
          {ingress.streamKey ? <Copyable label={`Stream key of ${ingress.name}`} value={ingress.streamKey} /> : null}
        </>
      ) : null}
    </Drawer>
  );
}

/** A read-only value with a button that copies it. */
export function Copyable({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="row copyable">
      <label>
        {label}
        <input readOnly value={value} size={Math.min(60, Math.max(20, value.length))} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <button
        type="button"
        aria-label={`Copy ${label}`}
        onClick={() => void navigator.clipboard?.writeText(value).then(() => setCopied(true), () => setCopied(false))}
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </div>
  );
}
