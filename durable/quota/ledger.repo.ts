import { sql, type SqlDriver } from "../../core/db/sql.ts";

/** An open reservation held for someone (a publisher's slot, by room and identity). */
export interface Hold {
  id: string;
  metric: string;
  amount: number;
  expires_at: number;
  holder: string;
}

export interface MetricUsage {
  committed: number;
  pending: number;
}

/**
 * Usage per metric: `committed` for what exists (the `usage` table), `pending`
 * for what open reservations hold (their sum). The ledger actor reads a
 * metric's usage once and keeps it in step in memory.
 */
export class LedgerRepository {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  async usage(metric: string): Promise<MetricUsage> {
    const row = await this.#db.one<MetricUsage>(sql`
      SELECT (SELECT committed FROM usage WHERE metric = ${metric}) AS committed,
             (SELECT SUM(amount) FROM reservations WHERE metric = ${metric}) AS pending`);
    return { committed: row?.committed ?? 0, pending: row?.pending ?? 0 };
  }

  /** Every metric counted or held. */
  async allUsage(): Promise<Record<string, MetricUsage>> {
    const rows = await this.#db.all<{ metric: string; committed: number; pending: number }>(sql`
      SELECT metric, SUM(committed) AS committed, SUM(pending) AS pending FROM (
        SELECT metric, committed, 0 AS pending FROM usage
        UNION ALL SELECT metric, 0, amount FROM reservations
      ) GROUP BY metric ORDER BY metric`);
    return Object.fromEntries(rows.map((row) => [row.metric, { committed: row.committed, pending: row.pending }]));
  }

  /** Several reservations in one transaction. */
  async reserveMany(rows: { id: string; metric: string; amount: number; expiresAt: number; holder: string | null }[]): Promise<void> {
    await this.#db.batch(rows.map((r) => sql`INSERT INTO reservations (id, metric, amount, expires_at, holder) VALUES (${r.id}, ${r.metric}, ${r.amount}, ${r.expiresAt}, ${r.holder})`));
  }

  /** The open reservation held for `holder` (the latest, should a lapsed one not be cleared yet), or null. */
  async holdOf(holder: string): Promise<Hold | null> {
    return this.#db.one(sql`SELECT id, metric, amount, expires_at, holder FROM reservations WHERE holder = ${holder} ORDER BY expires_at DESC LIMIT 1`);
  }

  /** Moves a reservation into committed usage; returns it, or null if it is unknown (released or expired). */
  async commit(id: string): Promise<{ metric: string; amount: number } | null> {
    const reservation = await this.#db.one<{ metric: string; amount: number }>(sql`SELECT metric, amount FROM reservations WHERE id = ${id}`);
    if (!reservation) return null;
    await this.#db.batch([
      sql`DELETE FROM reservations WHERE id = ${id}`,
      sql`INSERT INTO usage (metric, committed) VALUES (${reservation.metric}, ${reservation.amount})
          ON CONFLICT (metric) DO UPDATE SET committed = committed + excluded.committed`,
    ]);
    return reservation;
  }

  /** Gives a reservation back; returns it, or null if it is unknown. */
  async release(id: string): Promise<{ metric: string; amount: number } | null> {
    const reservation = await this.#db.one<{ metric: string; amount: number }>(sql`SELECT metric, amount FROM reservations WHERE id = ${id}`);
    if (!reservation) return null;
    await this.#db.run(sql`DELETE FROM reservations WHERE id = ${id}`);
    return reservation;
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

  /** Lets every reservation held past `now` lapse; returns those that did. */
  async expire(now: number): Promise<{ id: string; metric: string; amount: number }[]> {
    return this.#db.all(sql`DELETE FROM reservations WHERE expires_at <= ${now} RETURNING id, metric, amount`);
  }

  async nextExpiry(): Promise<number | null> {
    return (await this.#db.one<{ next: number | null }>(sql`SELECT MIN(expires_at) AS next FROM reservations`))?.next ?? null;
  }
}
