import { sql, type SqlDriver, type Statement } from "../../core/db/sql.ts";

/** One mutating API call on this app (the global audit log has the same row with tenant and app). */
export interface AppAuditEntry {
  ts: string;
  actor: string;
  via: string | null;
  method: string;
  path: string;
  status: number;
  ip: string | null;
  requestId: string;
}

/** The app's own config, sealed secrets and audit log, as stored in its actor database. */
export class AppStateRepository {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  async getConfig<T>(key: string): Promise<T | null> {
    const row = await this.#db.one<{ value_json: string }>(sql`SELECT value_json FROM config WHERE key = ${key}`);
    return row ? (JSON.parse(row.value_json) as T) : null;
  }

  async putConfig(key: string, value: unknown, now: string): Promise<void> {
    await this.#db.run(this.putConfigStatement(key, value, now));
  }

  /** The upsert as a statement, to commit together with other writes in one batch. */
  putConfigStatement(key: string, value: unknown, now: string): Statement {
    return sql`
      INSERT INTO config (key, value_json, updated_at) VALUES (${key}, ${JSON.stringify(value)}, ${now})
      ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`;
  }

  async getSealedSecret(name: string): Promise<string | null> {
    const row = await this.#db.one<{ sealed: string }>(sql`SELECT sealed FROM secrets WHERE name = ${name}`);
    return row?.sealed ?? null;
  }

  async putSealedSecret(name: string, sealed: string, now: string): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO secrets (name, sealed, updated_at) VALUES (${name}, ${sealed}, ${now})
      ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`);
  }

  async deleteSecret(name: string): Promise<void> {
    await this.#db.run(sql`DELETE FROM secrets WHERE name = ${name}`);
  }

  async secretNames(): Promise<string[]> {
    const rows = await this.#db.all<{ name: string }>(sql`SELECT name FROM secrets ORDER BY name`);
    return rows.map((row) => row.name);
  }

  async appendAudit(entry: AppAuditEntry): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO audit_log (ts, actor, via, method, path, status, ip, request_id)
      VALUES (${entry.ts}, ${entry.actor}, ${entry.via}, ${entry.method}, ${entry.path}, ${entry.status}, ${entry.ip}, ${entry.requestId})`);
  }

  async listAudit(limit: number, offset: number): Promise<{ entries: (AppAuditEntry & { id: number })[]; total: number }> {
    const rows = await this.#db.all<{ id: number; ts: string; actor: string; via: string | null; method: string; path: string; status: number; ip: string | null; request_id: string }>(
      sql`SELECT * FROM audit_log ORDER BY id DESC LIMIT ${limit} OFFSET ${offset}`,
    );
    const count = await this.#db.one<{ total: number }>(sql`SELECT COUNT(*) AS total FROM audit_log`);
    return {
      entries: rows.map(({ request_id, ...row }) => ({ ...row, requestId: request_id })),
      total: count?.total ?? 0,
    };
  }

  /** Audit rows after `afterId`, oldest first (for forwarding to the global log). */
  async auditAfter(afterId: number, limit: number): Promise<(AppAuditEntry & { id: number })[]> {
    const rows = await this.#db.all<{ id: number; ts: string; actor: string; via: string | null; method: string; path: string; status: number; ip: string | null; request_id: string }>(
      sql`SELECT * FROM audit_log WHERE id > ${afterId} ORDER BY id LIMIT ${limit}`,
    );
    return rows.map(({ request_id, ...row }) => ({ ...row, requestId: request_id }));
  }

  /** Deletes audit rows older than `before`, but none past `keepAfterId` (not yet forwarded). */
  async pruneAudit(before: string, keepAfterId: number): Promise<number> {
    return (await this.#db.run(sql`DELETE FROM audit_log WHERE ts < ${before} AND id <= ${keepAfterId}`)).changes;
  }
}
