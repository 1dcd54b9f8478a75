import { sql } from "../../core/db/sql.ts";
import type { AppHost } from "./host.ts";

/** What is counted rather than audited row by row. */
export type UsageCounter = "join_tokens" | "publisher_tokens" | "play_tokens";

/**
 * Daily counters of high-frequency machine traffic (join and play tokens).
 * The Worker counts them in memory and hands them over every few seconds
 * (functions/lib/token-traffic.ts), so each hand-over is one write here and a
 * token mint costs none.
 */
export class Usage {
  readonly #host: AppHost;

  constructor(host: AppHost) {
    this.#host = host;
  }

  async add(counts: Partial<Record<UsageCounter, number>>): Promise<void> {
    const day = new Date().toISOString().slice(0, 10);
    const statements = Object.entries(counts)
      .filter(([, n]) => n !== undefined && n > 0)
      .map(
        ([metric, n]) => sql`INSERT INTO usage_counters (day, metric, count) VALUES (${day}, ${metric}, ${n!})
                             ON CONFLICT (day, metric) DO UPDATE SET count = count + excluded.count`,
      );
    if (statements.length > 0) await this.#host.db.batch(statements);
  }

  /** Counts per day (newest first) for the last `days` days. */
  async daily(days: number): Promise<{ day: string; metric: UsageCounter; count: number }[]> {
    const since = new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
    return this.#host.db.all<{ day: string; metric: UsageCounter; count: number }>(
      sql`SELECT day, metric, count FROM usage_counters WHERE day >= ${since} ORDER BY day DESC, metric`,
    );
  }

  /** Retention: counters older than `beforeDay` (YYYY-MM-DD) go. */
  async prune(beforeDay: string): Promise<number> {
    return (await this.#host.db.run(sql`DELETE FROM usage_counters WHERE day < ${beforeDay}`)).changes;
  }
}
