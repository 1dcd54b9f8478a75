import { sql, type SqlDriver, type SqlValue } from "../../core/db/sql.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface ServerLog {
  id: number;
  ts: string;
  level: LogLevel;
  source: string;
  tenantId: string | null;
  appId: string | null;
  message: string;
  metaJson: string;
}

export interface AuditEntry {
  id: number;
  ts: string;
  actor: string;
  via: string | null;
  tenantId: string | null;
  app: string | null;
  method: string;
  path: string;
  status: number;
  ip: string | null;
  requestId: string;
}

export interface LogFilter {
  tenantId?: string;
  app?: string;
  level?: LogLevel;
  source?: string;
  q?: string;
  since?: string;
  until?: string;
}

/** Builds `WHERE …` from optional filters; every value is a bound parameter. */
function where(conditions: [string, SqlValue | undefined][]): { clause: string; params: SqlValue[] } {
  const present = conditions.filter(([, value]) => value !== undefined) as [string, SqlValue][];
  return {
    clause: present.length ? `WHERE ${present.map(([condition]) => condition).join(" AND ")}` : "",
    params: present.map(([, value]) => value),
  };
}

/** The server log (authorization and quota decisions, operational events) and the audit log of mutating calls. */
export class LogsRepository {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  async append(entry: Omit<ServerLog, "id">): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO server_logs (ts, level, source, tenant_id, app_id, message, meta_json)
      VALUES (${entry.ts}, ${entry.level}, ${entry.source}, ${entry.tenantId}, ${entry.appId}, ${entry.message}, ${entry.metaJson})`);
  }

  async list(filter: LogFilter, limit: number, offset: number): Promise<{ logs: ServerLog[]; total: number }> {
    const { clause, params } = where([
      ["tenant_id = ?", filter.tenantId],
      ["app_id = ?", filter.app],
      ["level = ?", filter.level],
      ["source = ?", filter.source],
      ["instr(lower(message), lower(?)) > 0", filter.q],
      ["ts >= ?", filter.since],
      ["ts <= ?", filter.until],
    ]);
    const rows = await this.#db.all<{ id: number; ts: string; level: LogLevel; source: string; tenant_id: string | null; app_id: string | null; message: string; meta_json: string }>({
      text: `SELECT * FROM server_logs ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`,
      params: [...params, limit, offset],
    });
    const count = await this.#db.one<{ total: number }>({ text: `SELECT COUNT(*) AS total FROM server_logs ${clause}`, params });
    return {
      logs: rows.map((row) => ({
        id: row.id,
        ts: row.ts,
        level: row.level,
        source: row.source,
        tenantId: row.tenant_id,
        appId: row.app_id,
        message: row.message,
        metaJson: row.meta_json,
      })),
      total: count?.total ?? 0,
    };
  }

  /** Drops server log and audit rows older than `ts`. */
  async pruneBefore(ts: string): Promise<void> {
    await this.#db.batch([sql`DELETE FROM server_logs WHERE ts < ${ts}`, sql`DELETE FROM audit_log WHERE ts < ${ts}`]);
  }

  async appendAudit(entry: Omit<AuditEntry, "id">): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO audit_log (ts, actor, via, tenant_id, app, method, path, status, ip, request_id)
      VALUES (${entry.ts}, ${entry.actor}, ${entry.via}, ${entry.tenantId}, ${entry.app}, ${entry.method}, ${entry.path}, ${entry.status}, ${entry.ip}, ${entry.requestId})`);
  }

  /**
   * Audit rows forwarded by app actors, each with its `source` (which actor
   * row it is): a batch sent twice (an actor that died before recording that
   * it was sent) adds nothing.
   */
  async appendAuditBatch(entries: (Omit<AuditEntry, "id"> & { source: string })[]): Promise<void> {
    await this.#db.batch(
      entries.map(
        (entry) => sql`
          INSERT OR IGNORE INTO audit_log (ts, actor, via, tenant_id, app, method, path, status, ip, request_id, source)
          VALUES (${entry.ts}, ${entry.actor}, ${entry.via}, ${entry.tenantId}, ${entry.app}, ${entry.method}, ${entry.path}, ${entry.status}, ${entry.ip}, ${entry.requestId}, ${entry.source})`,
      ),
    );
  }

  async listAudit(filter: { tenantId?: string; app?: string }, limit: number, offset: number): Promise<{ entries: AuditEntry[]; total: number }> {
    const { clause, params } = where([
      ["tenant_id = ?", filter.tenantId],
      ["app = ?", filter.app],
    ]);
    const rows = await this.#db.all<{ id: number; ts: string; actor: string; via: string | null; tenant_id: string | null; app: string | null; method: string; path: string; status: number; ip: string | null; request_id: string }>({
      text: `SELECT * FROM audit_log ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`,
      params: [...params, limit, offset],
    });
    const count = await this.#db.one<{ total: number }>({ text: `SELECT COUNT(*) AS total FROM audit_log ${clause}`, params });
    return {
      entries: rows.map((row) => ({
        id: row.id,
        ts: row.ts,
        actor: row.actor,
        via: row.via,
        tenantId: row.tenant_id,
        app: row.app,
        method: row.method,
        path: row.path,
        status: row.status,
        ip: row.ip,
        requestId: row.request_id,
      })),
      total: count?.total ?? 0,
    };
  }
}
