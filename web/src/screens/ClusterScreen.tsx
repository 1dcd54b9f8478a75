import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { api, unwrap, type Schemas } from "../api/client.ts";
import { useMe } from "../auth/me.ts";
import { can } from "../auth/permissions.ts";
import { ConfirmDialog } from "../ui/ConfirmDialog.tsx";
import { ErrorNote } from "../ui/ErrorNote.tsx";
import { NotFound } from "./NotFound.tsx";

type ClusterNode = Schemas["ClusterNode"];
type Steer = NonNullable<Schemas["ClusterNodeChanges"]["status"]>;

const clusterKey = ["cluster"] as const;
const nodesKey = ["cluster", "nodes"] as const;

/** The buttons that move a node to each status; a node shows those for the statuses it is not in. */
const STEERS: { status: Steer; label: string }[] = [
  { status: "draining", label: "Drain" },
  { status: "disabled", label: "Disable" },
  { status: "active", label: "Activate" },
];

/**
 * The LiveKit nodes of the cluster (API.md §1.1), for superadmins: who beats,
 * what each reports, drain / disable / activate / forget. Anyone else gets the
 * not-found page, as for an address that does not exist: the routes are theirs alone.
 */
export function ClusterScreen() {
  const me = useMe().data;
  const allowed = can(me, "superadmin");
  const queries = useQueryClient();
  const info = useQuery({ queryKey: clusterKey, queryFn: () => unwrap(api.GET("/api/v1/cluster/info")), enabled: allowed });
  // Agents beat every 60 s: a refresh now and then lets stats and staleness move without a reload.
  const nodes = useQuery({ queryKey: nodesKey, queryFn: () => unwrap(api.GET("/api/v1/cluster/nodes")), enabled: allowed, refetchInterval: 15_000 });
  const [doomed, setDoomed] = useState<ClusterNode | null>(null);
  const [said, setSaid] = useState("");
  // A change re-renders the row without the button just pressed (or without the row): where keyboard focus goes next.
  const refocus = useRef<string | null>(null);
  const nodesSection = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!refocus.current) return;
    nodesSection.current?.querySelector<HTMLElement>(refocus.current)?.focus();
    refocus.current = null;
  }, [nodes.data]);

  const steer = useMutation({
    mutationFn: ({ node, status }: { node: ClusterNode; status: Steer }) =>
      unwrap(api.PATCH("/api/v1/cluster/nodes/{id}", { params: { path: { id: node.id } }, body: { status } })),
    onSuccess: (node) => {
      setSaid(`${node.name} is now ${node.status}.`);
      refocus.current = `tr[data-node="${node.name}"] button`;
      return queries.invalidateQueries({ queryKey: clusterKey });
    },
  });
  const remove = useMutation({
    mutationFn: (node: ClusterNode) => unwrap(api.DELETE("/api/v1/cluster/nodes/{id}", { params: { path: { id: node.id } } })),
    onSuccess: (_, node) => {
      setDoomed(null);
      setSaid(`${node.name} is forgotten.`);
      refocus.current = "h2";
      return queries.invalidateQueries({ queryKey: clusterKey });
    },
  });

  if (!allowed) return <NotFound />;

  const empty = nodes.data?.length === 0;
  return (
    <>
      <h1>Cluster</h1>
      <p className="hint">
        The LiveKit nodes that share one Redis and one key pair. Join and play tokens send each room to an active node that beats; a draining node takes no new rooms
        (those live on it stay), a disabled one none, and its agent cannot reactivate it.
      </p>
      {info.isError ? <ErrorNote error={info.error} what="Cluster settings" /> : null}
      {nodes.isError ? <ErrorNote error={nodes.error} what="Nodes" /> : null}
      <p role="status" className="hint">{said}</p>

      <section aria-labelledby="nodes-heading" ref={nodesSection}>
        <h2 id="nodes-heading" tabIndex={-1}>Nodes</h2>
        {nodes.isPending ? <p role="status">Loading…</p> : null}
        {empty ? <p className="empty">No node has joined yet. A node joins when its agent runs: see below.</p> : null}
        {nodes.data && !empty ? (
          <table aria-labelledby="nodes-heading">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">URL</th>
                <th scope="col">Status</th>
                <th scope="col">Stale</th>
                <th scope="col">Last heartbeat</th>
                <th scope="col">Stats</th>
                <th scope="col"><span className="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {nodes.data.map((node) => (
                <tr key={node.id} data-node={node.name}>
                  <th scope="row">
                    {node.name}
                    {node.region ? <span className="hint"> ({node.region})</span> : null}
                  </th>
                  <td>{node.url ?? <span className="hint">none: gets no rooms</span>}</td>
                  <td>{node.status}</td>
                  <td>{node.stale ? <span className="bad">stale: no heartbeat for 90 s</span> : "no"}</td>
                  <td>{node.last_seen_at ? <time dateTime={node.last_seen_at}>{new Date(node.last_seen_at).toLocaleString()}</time> : "never"}</td>
                  <td><Stats stats={node.stats} /></td>
                  <td>
                    <div className="media">
                      {STEERS.filter((s) => s.status !== node.status).map((s) => (
                        <button key={s.status} type="button" onClick={() => steer.mutate({ node, status: s.status })} aria-label={`${s.label} ${node.name}`}>
                          {s.label}
                        </button>
                      ))}
                      <button type="button" className="danger" onClick={() => setDoomed(node)} aria-label={`Delete ${node.name}`}>Delete</button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {steer.isError ? <ErrorNote error={steer.error} what="Not changed" /> : null}
      </section>

      <section aria-labelledby="join-heading">
        <h2 id="join-heading">How a node joins</h2>
        {info.data && !info.data.enabled ? (
          <p>
            Clustering is off: set <code>STREAMHUB_CLUSTER_TOKEN</code> (at least 16 characters) and <code>STREAMHUB_CLUSTER_REDIS_URL</code> (the Redis every LiveKit
            node's <code>livekit.yaml</code> shares) on this origin, then restart it.
          </p>
        ) : null}
        {info.data?.joinCommand ? (
          <>
            <p>On each LiveKit node, run the agent with this cluster's token (it joins, then beats every 60 s with the node's stats):</p>
            {/* Wrapped rather than scrolled: a scrolling block would need its own tab stop. */}
            <pre style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}><code>{info.data.joinCommand}</code></pre>
            <p>
              Under systemd: <code>selfhost/systemd/streamhub-agent.service</code>, with its settings in <code>/etc/streamhub-agent.env</code> (
              <code>STREAMHUB_ORIGIN</code>, <code>STREAMHUB_CLUSTER_TOKEN</code>, <code>STREAMHUB_NODE_NAME</code>, <code>STREAMHUB_NODE_IP</code>,{" "}
              <code>STREAMHUB_NODE_LIVEKIT_URL</code>). The node's <code>livekit.yaml</code> uses the Redis and key pair the join answers with.
            </p>
          </>
        ) : null}
      </section>

      <ConfirmDialog
        open={doomed !== null}
        title={`Delete the node ${doomed?.name ?? ""}?`}
        confirmLabel="Delete"
        busy={remove.isPending}
        onCancel={() => setDoomed(null)}
        onConfirm={() => doomed && remove.mutate(doomed)}
      >
        <p>
          StreamHub forgets the node and sends it no new rooms. Its LiveKit keeps running, and while its agent runs, the next heartbeat makes it join again, as an
          active node. To keep it out, disable it instead, or stop its agent first.
        </p>
        {remove.isError ? <ErrorNote error={remove.error} what="Not deleted" /> : null}
      </ConfirmDialog>
    </>
  );
}

/** What the node's agent last reported (rooms, participants, load…), as it sent it. */
function Stats({ stats }: { stats: ClusterNode["stats"] }) {
  const entries = Object.entries(stats);
  if (entries.length === 0) return <span className="hint">none yet</span>;
  return (
    <ul className="links">
      {entries.map(([name, value]) => (
        <li key={name}>
          {name}: {typeof value === "object" ? JSON.stringify(value) : String(value)}
        </li>
      ))}
    </ul>
  );
}
