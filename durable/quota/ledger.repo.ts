import { sql, type SqlDriver } from "../../core/db/sql.ts";

export interface MetricUsage {
  committed: number;
  pending: number;
}

/**
 * Usage per metric: `committed` for what exists, `pending` for what open
 * reservations hold (kept as a running sum beside the reservations, changed in
 * the same transaction as they are).
 */
export class LedgerRepository {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  async usage(metric: string): Promise<MetricUsage> {
    const row = await this.#db.one<MetricUsage>(sql`SELECT committed, pending FROM usage WHERE metric = ${metric}`);
    return { committed: row?.committed ?? 0, pending: row?.pending ?? 0 };
  }

  /** Every metric ever counted or held. */
  async allUsage(): Promise<Record<string, MetricUsage>> {
    const rows = await this.#db.all<{ metric: string; committed: number; pending: number }>(sql`SELECT metric, committed, pending FROM usage ORDER BY metric`);
    return Object.fromEntries(rows.map((row) => [row.metric, { committed: row.committed, pending: row.pending }]));
  }

  async reserve(id: string, metric: string, amount: number, expiresAt: number, holder: string | null = null): Promise<void> {
    await this.#db.batch([
      sql`INSERT INTO reservations (id, metric, amount, expires_at, holder) VALUES (${id}, ${metric}, ${amount}, ${expiresAt}, ${holder})`,
      sql`INSERT INTO usage (metric, committed, pending) VALUES (${metric}, 0, ${amount})
          ON CONFLICT (metric) DO UPDATE SET pending = pending + excluded.pending`,
    ]);
  }

  /** Every open reservation held for someone. */
  async holds(): Promise<{ id: string; metric: string; amount: number; expires_at: number; holder: string }[]> {
    return this.#db.all(sql`SELECT id, metric, amount, expires_at, holder FROM reservations WHERE holder IS NOT NULL`);
  }

  /** Moves a reservation into committed usage; returns it, or null if it is unknown (released or expired). */
  async commit(id: string): Promise<{ metric: string; amount: number } | null> {
    const reservation = await this.#db.one<{ metric: string; amount: number }>(sql`SELECT metric, amount FROM reservations WHERE id = ${id}`);
    if (!reservation) return null;
    await this.#db.batch([
      sql`DELETE FROM reservations WHERE id = ${id}`,
      sql`UPDATE usage SET committed = committed + ${reservation.amount}, pending = MAX(0, pending - ${reservation.amount}) WHERE metric = ${reservation.metric}`,
    ]);
    return reservation;
  }

  /** Gives a reservation back; returns it, or null if it is unknown. */
  async release(id: string): Promise<{ metric: string; amount: number } | null> {
    const reservation = await this.#db.one<{ metric: string; amount: number }>(sql`SELECT metric, amount FROM reservations WHERE id = ${id}`);
    if (!reservation) return null;
    await this.#db.batch([
      sql`DELETE FROM reservations WHERE id = ${id}`,
      sql`UPDATE usage SET pending = MAX(0, pending - ${reservation.amount}) WHERE metric = ${reservation.metric}`,
    ]);
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

  /** Lets every reservation held past `now` lapse; returns how many did. */
  async expire(now: number): Promise<number> {
    const results = await this.#db.batch([
      sql`UPDATE usage SET pending = MAX(0, pending - (SELECT COALESCE(SUM(amount), 0) FROM reservations WHERE reservations.metric = usage.metric AND expires_at <= ${now}))
          WHERE metric IN (SELECT metric FROM reservations WHERE expires_at <= ${now})`,
      sql`DELETE FROM reservations WHERE expires_at <= ${now}`,
    ]);
    return results[1]?.changes ?? 0;
  }

  async nextExpiry(): Promise<number | null> {
    return (await this.#db.one<{ next: number | null }>(sql`SELECT MIN(expires_at) AS next FROM reservations`))?.next ?? null;
  }
}
