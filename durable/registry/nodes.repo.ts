import { sql, uniqueViolationOn, type SqlDriver } from "../../core/db/sql.ts";

/** API.md §1.1: join and heartbeat make a node `active`, but never override what an operator set. */
export type NodeStatus = "unknown" | "active" | "draining" | "disabled";

export interface ClusterNode {
  id: string;
  name: string;
  ip: string;
  url: string | null;
  region: string | null;
  status: NodeStatus;
  /** The last heartbeat's stats, as the agent sent them (JSON; kept as text so it crosses RPC as is). */
  statsJson: string;
  createdAt: string;
  updatedAt: string;
  lastSeenAt: string | null;
}

interface NodeRow {
  id: string;
  name: string;
  ip: string;
  url: string | null;
  region: string | null;
  status: NodeStatus;
  stats_json: string;
  created_at: string;
  updated_at: string;
  last_seen_at: string | null;
}

const toNode = (row: NodeRow): ClusterNode => ({
  id: row.id,
  name: row.name,
  ip: row.ip,
  url: row.url,
  region: row.region,
  status: row.status,
  statsJson: row.stats_json,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  lastSeenAt: row.last_seen_at,
});

export class NodesRepository {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  async find(id: string): Promise<ClusterNode | null> {
    const row = await this.#db.one<NodeRow>(sql`SELECT * FROM nodes WHERE id = ${id}`);
    return row ? toNode(row) : null;
  }

  async findByName(name: string): Promise<ClusterNode | null> {
    const row = await this.#db.one<NodeRow>(sql`SELECT * FROM nodes WHERE name = ${name}`);
    return row ? toNode(row) : null;
  }

  /** Oldest first: a node keeps its place in the list. */
  async list(): Promise<ClusterNode[]> {
    return (await this.#db.all<NodeRow>(sql`SELECT * FROM nodes ORDER BY created_at, id`)).map(toNode);
  }

  async count(): Promise<number> {
    return (await this.#db.one<{ total: number }>(sql`SELECT COUNT(*) AS total FROM nodes`))?.total ?? 0;
  }

  /** Upsert by name; `created` says whether the node is new. `draining` and `disabled` are the operator's: they stay. */
  async join(input: { id: string; name: string; ip: string; region: string | null; url: string | null }, now: string): Promise<{ node: ClusterNode; created: boolean }> {
    const existing = await this.findByName(input.name);
    if (existing) {
      await this.#db.run(sql`
        UPDATE nodes SET ip = ${input.ip}, region = COALESCE(${input.region}, region), url = COALESCE(${input.url}, url),
          status = CASE WHEN status IN ('draining', 'disabled') THEN status ELSE 'active' END,
          last_seen_at = ${now}, updated_at = ${now}
        WHERE id = ${existing.id}`);
      return { node: (await this.find(existing.id))!, created: false };
    }
    await this.#db.run(sql`
      INSERT INTO nodes (id, name, ip, url, region, status, created_at, updated_at, last_seen_at)
      VALUES (${input.id}, ${input.name}, ${input.ip}, ${input.url}, ${input.region}, 'active', ${now}, ${now}, ${now})`);
    return { node: (await this.find(input.id))!, created: true };
  }

  /** A heartbeat: seen now, its stats kept, `active` unless an operator set otherwise. Null: no such node. */
  async heartbeat(id: string, statsJson: string | null, now: string): Promise<ClusterNode | null> {
    const { changes } = await this.#db.run(sql`
      UPDATE nodes SET last_seen_at = ${now}, stats_json = COALESCE(${statsJson}, stats_json),
        status = CASE WHEN status IN ('draining', 'disabled') THEN status ELSE 'active' END
      WHERE id = ${id}`);
    return changes > 0 ? this.find(id) : null;
  }

  async update(id: string, changes: { name?: string; region?: string | null; status?: NodeStatus }, now: string): Promise<ClusterNode | null | "node_name_taken"> {
    const node = await this.find(id);
    if (!node) return null;
    try {
      await this.#db.run(sql`
        UPDATE nodes SET name = ${changes.name ?? node.name}, region = ${changes.region === undefined ? node.region : changes.region},
          status = ${changes.status ?? node.status}, updated_at = ${now}
        WHERE id = ${id}`);
    } catch (error) {
      if (uniqueViolationOn(error) === "nodes.name") return "node_name_taken";
      throw error;
    }
    return this.find(id);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.#db.run(sql`DELETE FROM nodes WHERE id = ${id}`)).changes > 0;
  }
}
