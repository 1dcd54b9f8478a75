import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, unwrap, type Schemas } from "../../api/client.ts";
import { useMe } from "../../auth/me.ts";
import { can } from "../../auth/permissions.ts";
import { ConfirmDialog } from "../../ui/ConfirmDialog.tsx";
import { ErrorNote } from "../../ui/ErrorNote.tsx";

const endpointsKey = (app: string) => ["apps", app, "webhooks"] as const;

type EventName = NonNullable<Schemas["UpdateWebhookEndpoint"]["events"]>[number];
/** Every event an endpoint can subscribe to, "all" aside, in the order the API lists them. */
const EVENTS = [
  "stream_started", "stream_ended", "stream.health_changed", "recording_started", "vod_ready", "recording_failed", "vod_deleted", "hls_started", "hls_stopped",
  "room_started", "room_finished", "participant_joined", "participant_left", "track_published", "track_unpublished",
  "ingress_started", "ingress_updated", "ingress_ended", "egress_started", "egress_updated", "egress_ended",
  "quota.warning", "quota.exceeded", "webhook.endpoint_disabled", "webhook.test",
] as const satisfies readonly EventName[];
// Fails to compile when the API gains an event this list lacks (web:types regenerates EventName).
const everyEventListed: Exclude<EventName, "all" | (typeof EVENTS)[number]> extends never ? true : never = true;
void everyEventListed;
const deliveriesKey = (app: string, id: string) => ["apps", app, "webhooks", id, "deliveries"] as const;

/** The app's webhook endpoints: add one (its secret shown once), send a test ping, read the delivery log and replay. */
export function Webhooks({ app }: { app: string }) {
  const me = useMe().data;
  const queries = useQueryClient();
  const endpoints = useQuery({ queryKey: endpointsKey(app), queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/webhooks", { params: { path: { app } } })), enabled: can(me, "config:read") });
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const create = useMutation({
    mutationFn: (body: Schemas["CreateWebhookEndpoint"]) => unwrap(api.POST("/api/v1/apps/{app}/webhooks", { params: { path: { app } }, body })),
    onSuccess: (endpoint) => {
      setCreated({ url: endpoint.url, secret: endpoint.secret });
      return queries.invalidateQueries({ queryKey: endpointsKey(app) });
    },
  });
  if (!can(me, "config:read")) return null;
  const writable = can(me, "config:write");

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const url = String(new FormData(formElement).get("url")).trim();
    create.mutate({ url, events: ["all"], enabled: true, description: null }, { onSuccess: () => formElement.reset() });
  };

  return (
    <section aria-labelledby="webhooks-heading">
      <h2 id="webhooks-heading">Webhook endpoints</h2>
      {writable ? (
        <form onSubmit={submit} className="row">
          <label>
            Endpoint URL
            <input name="url" type="url" required placeholder="https://example.com/hooks/streamhub" size={40} />
          </label>
          <button type="submit" disabled={create.isPending}>Add endpoint</button>
        </form>
      ) : null}
      {create.isError ? <ErrorNote error={create.error} what="Not added" /> : null}
      {created ? (
        <div className="result" role="status">
          <p>
            Added <code>{created.url}</code>. Its signing secret is shown this once: keep it where your receiver verifies signatures (Standard Webhooks).
          </p>
          <label>
            Signing secret
            <input readOnly value={created.secret} onFocus={(e) => e.currentTarget.select()} size={50} />
          </label>
          <button type="button" onClick={() => setCreated(null)}>I have saved it</button>
        </div>
      ) : null}
      {endpoints.isError ? <ErrorNote error={endpoints.error} /> : null}
      {endpoints.data?.length === 0 ? <p className="empty">No endpoints: add one to be told when streams start and end, recordings are ready, and quotas run out.</p> : null}
      {endpoints.data?.map((endpoint) => <Endpoint key={endpoint.id} app={app} endpoint={endpoint} writable={writable} />)}
    </section>
  );
}

function Endpoint({ app, endpoint, writable }: { app: string; endpoint: Schemas["WebhookEndpoint"]; writable: boolean }) {
  const queries = useQueryClient();
  const [open, setOpen] = useState(false);
  const [inspected, setInspected] = useState<string | null>(null);
  const deliveries = useQuery({
    queryKey: deliveriesKey(app, endpoint.id),
    queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/webhooks/{id}/deliveries", { params: { path: { app, id: endpoint.id }, query: { limit: 20 } } })),
    enabled: open,
    // While a delivery is pending, its outcome is due within seconds.
    refetchInterval: (query) => (query.state.data?.some((d) => d.status === "pending") ? 2_000 : false),
  });
  const ping = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/apps/{app}/webhooks/{id}/test", { params: { path: { app, id: endpoint.id } } })),
    onSuccess: () => {
      setOpen(true);
      return queries.invalidateQueries({ queryKey: deliveriesKey(app, endpoint.id) });
    },
  });
  const refreshEndpoints = () => queries.invalidateQueries({ queryKey: endpointsKey(app) });
  const update = useMutation({
    mutationFn: (body: Schemas["UpdateWebhookEndpoint"]) => unwrap(api.PATCH("/api/v1/apps/{app}/webhooks/{id}", { params: { path: { app, id: endpoint.id } }, body })),
    onSuccess: refreshEndpoints,
  });
  const rotate = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/apps/{app}/webhooks/{id}/rotate", { params: { path: { app, id: endpoint.id } } })),
    onSuccess: refreshEndpoints,
  });
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/apps/{app}/webhooks/{id}", { params: { path: { app, id: endpoint.id } } })),
    onSuccess: () => {
      setConfirmDelete(false);
      return refreshEndpoints();
    },
  });
  const replay = useMutation({
    mutationFn: (deliveryId: string) => unwrap(api.POST("/api/v1/apps/{app}/webhooks/{id}/deliveries/{deliveryId}/replay", { params: { path: { app, id: endpoint.id, deliveryId } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: deliveriesKey(app, endpoint.id) }),
  });
  return (
    <div className="panel endpoint">
      <h3>{endpoint.url}</h3>
      <p className="hint">
        {endpoint.enabled ? "Enabled" : `Disabled${endpoint.disabledReason ? `: ${endpoint.disabledReason}` : ""}`} · events: {endpoint.events.join(", ")}
        {endpoint.failingSince ? ` · failing since ${new Date(endpoint.failingSince).toLocaleString()}` : ""}
      </p>
      <div className="row">
        {writable ? (
          <button type="button" onClick={() => ping.mutate()} disabled={ping.isPending}>Send test ping</button>
        ) : null}
        <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>{open ? "Hide deliveries" : "Show deliveries"}</button>
        {writable ? (
          <>
            <button type="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>{editing ? "Cancel edit" : "Edit"}</button>
            <button type="button" onClick={() => update.mutate({ enabled: !endpoint.enabled })} disabled={update.isPending}>{endpoint.enabled ? "Disable" : "Enable"}</button>
            <button type="button" onClick={() => rotate.mutate()} disabled={rotate.isPending}>Rotate secret</button>
            <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>Delete endpoint</button>
          </>
        ) : null}
      </div>
      {update.isError ? <ErrorNote error={update.error} what="Not changed" /> : null}
      {editing ? <EndpointEditor app={app} endpointId={endpoint.id} onDone={() => setEditing(false)} /> : null}
      {rotate.isError ? <ErrorNote error={rotate.error} what="Not rotated" /> : null}
      {rotate.data ? (
        <div className="result" role="status">
          <p>The new signing secret, shown this once. The old one stays valid until {new Date(rotate.data.previousValidUntil).toLocaleString()}, so receivers can switch.</p>
          <label>
            New signing secret
            <input readOnly value={rotate.data.secret} onFocus={(e) => e.currentTarget.select()} size={50} />
          </label>
          <button type="button" onClick={() => rotate.reset()}>I have saved it</button>
        </div>
      ) : null}
      <ConfirmDialog open={confirmDelete} title={`Delete the endpoint ${endpoint.url}?`} confirmLabel="Delete endpoint" busy={remove.isPending} onCancel={() => setConfirmDelete(false)} onConfirm={() => remove.mutate()}>
        <p>No more events are sent to it, and its delivery log goes with it.</p>
        {remove.isError ? <ErrorNote error={remove.error} what="Not deleted" /> : null}
      </ConfirmDialog>
      {ping.isError ? <ErrorNote error={ping.error} what="No ping" /> : null}
      {replay.isError ? <ErrorNote error={replay.error} what="Not replayed" /> : null}
      {open ? (
        deliveries.data && deliveries.data.length === 0 ? (
          <p className="empty">Nothing delivered yet.</p>
        ) : (
          <table aria-label={`Deliveries to ${endpoint.url}`}>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
                <th scope="col">When</th>
                {writable ? <th scope="col"><span className="visually-hidden">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {deliveries.data?.map((delivery) => (
                <tr key={delivery.id} data-delivery={delivery.event}>
                  <td>
                    <button type="button" className="link" aria-expanded={inspected === delivery.id} onClick={() => setInspected(inspected === delivery.id ? null : delivery.id)}>
                      {delivery.event}
                    </button>
                  </td>
                  <td className="status">{delivery.status}</td>
                  <td>{delivery.attempts}</td>
                  <td>{delivery.lastStatus ?? "—"}{delivery.lastError ? ` ${delivery.lastError}` : ""}</td>
                  <td>{new Date(delivery.updatedAt).toLocaleTimeString()}</td>
                  {writable ? (
                    <td>
                      <button type="button" onClick={() => replay.mutate(delivery.id)} disabled={replay.isPending || delivery.status === "pending"} aria-label={`Replay ${delivery.event} delivery`}>
                        Replay
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      {open && inspected ? <Attempts app={app} endpointId={endpoint.id} deliveryId={inspected} /> : null}
    </div>
  );
}

/**
 * Editing an endpoint: its URL, description and events, starting from what
 * the API holds now (GET …/webhooks/{id}), not from a list that may be stale.
 */
function EndpointEditor({ app, endpointId, onDone }: { app: string; endpointId: string; onDone(): void }) {
  const queries = useQueryClient();
  const current = useQuery({
    queryKey: ["apps", app, "webhooks", endpointId],
    queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/webhooks/{id}", { params: { path: { app, id: endpointId } } })),
    staleTime: 0,
  });
  const [all, setAll] = useState<boolean | null>(null);
  const save = useMutation({
    mutationFn: (body: Schemas["UpdateWebhookEndpoint"]) => unwrap(api.PATCH("/api/v1/apps/{app}/webhooks/{id}", { params: { path: { app, id: endpointId } }, body })),
    onSuccess: async (saved) => {
      queries.setQueryData(["apps", app, "webhooks", endpointId], saved);
      await queries.invalidateQueries({ queryKey: endpointsKey(app), exact: true });
      onDone();
    },
  });
  if (current.isError) return <ErrorNote error={current.error} />;
  if (!current.data) return <p role="status">Loading…</p>;
  const endpoint = current.data;
  const everything = all ?? endpoint.events.includes("all");
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const events: EventName[] = everything ? ["all"] : EVENTS.filter((name) => form.get(`event:${name}`) === "on");
    const description = String(form.get("description") ?? "").trim();
    save.mutate({ url: String(form.get("url")).trim(), description: description || null, events });
  };
  return (
    <form onSubmit={submit} className="panel" aria-label={`Edit ${endpoint.url}`}>
      <div className="row">
        <label>
          URL
          <input name="url" type="url" required defaultValue={endpoint.url} size={40} />
        </label>
        <label>
          Description (optional)
          <input name="description" defaultValue={endpoint.description ?? ""} maxLength={500} />
        </label>
      </div>
      <fieldset className="events">
        <legend>Events sent to it</legend>
        <label className="check">
          <input type="checkbox" checked={everything} onChange={(e) => setAll(e.currentTarget.checked)} /> All events, including ones added later
        </label>
        {everything ? null : (
          <div className="event-list">
            {EVENTS.map((name) => (
              <label className="check" key={name}>
                <input type="checkbox" name={`event:${name}`} defaultChecked={endpoint.events.includes(name)} /> {name}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <button type="submit" disabled={save.isPending}>Save endpoint</button>
      {save.isError ? <ErrorNote error={save.error} what="Not saved" /> : null}
    </form>
  );
}

/** One delivery: every attempt with its answer, and the body that was sent. */
function Attempts({ app, endpointId, deliveryId }: { app: string; endpointId: string; deliveryId: string }) {
  const detail = useQuery({
    queryKey: ["apps", app, "webhooks", endpointId, "deliveries", deliveryId],
    queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/webhooks/{id}/deliveries/{deliveryId}", { params: { path: { app, id: endpointId, deliveryId } } })),
  });
  if (detail.isError) return <ErrorNote error={detail.error} />;
  if (!detail.data) return <p role="status">Loading…</p>;
  return (
    <div className="result">
      <h4>Attempts of {detail.data.event}</h4>
      <table aria-label={`Attempts of ${detail.data.event}`}>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Answer</th>
            <th scope="col">Took</th>
            <th scope="col">Error or response</th>
          </tr>
        </thead>
        <tbody>
          {detail.data.attemptLog.map((attempt, index) => (
            <tr key={index}>
              <td>{new Date(attempt.at).toLocaleTimeString()}</td>
              <td>{attempt.status ?? "no answer"}</td>
              <td>{attempt.durationMs} ms</td>
              <td className="ua">{attempt.error ?? attempt.response ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <label>
        Body sent
        <textarea readOnly rows={4} value={detail.data.body} />
      </label>
    </div>
  );
}
