import { sql, type SqlDriver } from "../../core/db/sql.ts";

export interface MetricUsage {
  committed: number;
  pending: number;
}

export class LedgerRepository {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  async usage(metric: string): Promise<MetricUsage> {
    const committed = await this.#db.one<{ committed: number }>(sql`SELECT committed FROM usage WHERE metric = ${metric}`);
    const pending = await this.#db.one<{ pending: number }>(sql`SELECT COALESCE(SUM(amount), 0) AS pending FROM reservations WHERE metric = ${metric}`);
    return { committed: committed?.committed ?? 0, pending: pending?.pending ?? 0 };
  }

  async allUsage(): Promise<Record<string, MetricUsage>> {
    const rows = await this.#db.all<{ metric: string; committed: number; pending: number }>(sql`
      SELECT metric, SUM(committed) AS committed, SUM(pending) AS pending FROM (
        SELECT metric, committed, 0 AS pending FROM usage
        UNION ALL SELECT metric, 0, amount FROM reservations
      ) GROUP BY metric`);
    return Object.fromEntries(rows.map((row) => [row.metric, { committed: row.committed, pending: row.pending }]));
  }

  async reserve(id: string, metric: string, amount: number, expiresAt: number): Promise<void> {
    await this.#db.run(sql`INSERT INTO reservations (id, metric, amount, expires_at) VALUES (${id}, ${metric}, ${amount}, ${expiresAt})`);
  }

  /** Moves a reservation into committed usage; false if it is unknown (released or expired). */
  async commit(id: string): Promise<boolean> {
    const reservation = await this.#db.one<{ metric: string; amount: number }>(sql`SELECT metric, amount FROM reservations WHERE id = ${id}`);
    if (!reservation) return false;
    await this.#db.batch([
      sql`DELETE FROM reservations WHERE id = ${id}`,
      sql`INSERT INTO usage (metric, committed) VALUES (${reservation.metric}, ${reservation.amount})
          ON CONFLICT (metric) DO UPDATE SET committed = committed + excluded.committed`,
    ]);
    return true;
  }

  async release(id: string): Promise<boolean> {
    return (await this.#db.run(sql`DELETE FROM reservations WHERE id = ${id}`)).changes > 0;
  }

  /** Adds `delta` (may be negative) to committed usage, never below zero. */
  async adjust(metric: string, delta: number): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO usage (metric, committed) VALUES (${metric}, MAX(0, ${delta}))
      ON CONFLICT (metric) DO UPDATE SET committed = MAX(0, committed + ${delta})`);
  }

  async setCommitted(metric: string, committed: number): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO usage (metric, committed) VALUES (${metric}, ${committed})
      ON CONFLICT (metric) DO UPDATE SET committed = excluded.committed`);
  }

  async expire(now: number): Promise<number> {
    return (await this.#db.run(sql`DELETE FROM reservations WHERE expires_at <= ${now}`)).changes;
  }

  async nextExpiry(): Promise<number | null> {
    return (await this.#db.one<{ next: number | null }>(sql`SELECT MIN(expires_at) AS next FROM reservations`))?.next ?? null;
  }
}
