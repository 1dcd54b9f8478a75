import { sql, type SqlDriver } from "../../core/db/sql.ts";

export interface Session {
  id: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  ip: string | null;
  userAgent: string | null;
}

interface SessionRow {
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  ip: string | null;
  user_agent: string | null;
}

const toSession = (row: SessionRow): Session => ({
  id: row.id,
  userId: row.user_id,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  ip: row.ip,
  userAgent: row.user_agent,
});

/** Dashboard sessions (one per login, revocable) and the login throttle. */
export class SessionsRepository {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  async insert(session: Omit<Session, "revokedAt">): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO sessions (id, user_id, created_at, expires_at, ip, user_agent)
      VALUES (${session.id}, ${session.userId}, ${session.createdAt}, ${session.expiresAt}, ${session.ip}, ${session.userAgent})`);
  }

  async find(id: string): Promise<Session | null> {
    const row = await this.#db.one<SessionRow>(sql`SELECT * FROM sessions WHERE id = ${id}`);
    return row ? toSession(row) : null;
  }

  async listForUser(userId: string, now: string): Promise<Session[]> {
    const rows = await this.#db.all<SessionRow>(
      sql`SELECT * FROM sessions WHERE user_id = ${userId} AND revoked_at IS NULL AND expires_at > ${now} ORDER BY created_at DESC`,
    );
    return rows.map(toSession);
  }

  async revoke(id: string, now: string): Promise<boolean> {
    return (await this.#db.run(sql`UPDATE sessions SET revoked_at = ${now} WHERE id = ${id} AND revoked_at IS NULL`)).changes > 0;
  }

  async revokeAllForUser(userId: string, now: string): Promise<void> {
    await this.#db.run(sql`UPDATE sessions SET revoked_at = ${now} WHERE user_id = ${userId} AND revoked_at IS NULL`);
  }

  /** Failures counted for `key` in the current window (a window that has passed counts as none). */
  async failures(key: string, windowStartedAfter: number): Promise<{ failures: number; windowStartedAt: number } | null> {
    const row = await this.#db.one<{ failures: number; window_started_at: number }>(
      sql`SELECT failures, window_started_at FROM login_throttle WHERE key = ${key} AND window_started_at > ${windowStartedAfter}`,
    );
    return row ? { failures: row.failures, windowStartedAt: row.window_started_at } : null;
  }

  async recordFailure(key: string, now: number, windowStartedAfter: number): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO login_throttle (key, window_started_at, failures) VALUES (${key}, ${now}, 1)
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN window_started_at > ${windowStartedAfter} THEN failures + 1 ELSE 1 END,
        window_started_at = CASE WHEN window_started_at > ${windowStartedAfter} THEN window_started_at ELSE ${now} END`);
  }

  async refundFailure(key: string): Promise<void> {
    await this.#db.run(sql`UPDATE login_throttle SET failures = MAX(0, failures - 1) WHERE key = ${key}`);
  }

  async clearFailures(key: string): Promise<void> {
    await this.#db.run(sql`DELETE FROM login_throttle WHERE key = ${key}`);
  }
}
