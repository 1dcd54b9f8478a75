import { sql } from "../../core/db/sql.ts";
import type { AppHost } from "./host.ts";

/** What is counted rather than audited row by row. */
export type UsageCounter = "join_tokens" | "publisher_tokens" | "play_tokens";

/** Counts are written at most this often (a crash loses at most this much of them). */
const FLUSH_EVERY_MS = 10_000;

/**
 * Daily counters of high-frequency machine traffic (join and play tokens),
 * kept in memory and written by the schedule's `counters` task, so that a
 * token mint costs no write of its own.
 */
export class Usage {
  readonly #host: AppHost;
  #pending = new Map<string, number>();

  constructor(host: AppHost) {
    this.#host = host;
  }

  async count(counter: UsageCounter, n = 1): Promise<void> {
    if (n <= 0) return;
    const key = `${new Date().toISOString().slice(0, 10)}|${counter}`;
    const first = this.#pending.size === 0;
    this.#pending.set(key, (this.#pending.get(key) ?? 0) + n);
    if (first) await this.#host.scheduler.at("counters", Date.now() + FLUSH_EVERY_MS);
  }

  /** The schedule's `counters` task. */
  async flush(): Promise<null> {
    const pending = this.#pending;
    this.#pending = new Map();
    if (pending.size === 0) return null;
    await this.#host.db.batch(
      [...pending].map(([key, n]) => {
        const [day, metric] = key.split("|") as [string, string];
        return sql`INSERT INTO usage_counters (day, metric, count) VALUES (${day}, ${metric}, ${n})
                   ON CONFLICT (day, metric) DO UPDATE SET count = count + excluded.count`;
      }),
    );
    return null;
  }

  /** Counts per day (newest first) for the last `days` days, including what is not yet written. */
  async daily(days: number): Promise<{ day: string; metric: UsageCounter; count: number }[]> {
    const since = new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
    const rows = await this.#host.db.all<{ day: string; metric: UsageCounter; count: number }>(
      sql`SELECT day, metric, count FROM usage_counters WHERE day >= ${since} ORDER BY day DESC, metric`,
    );
    for (const [key, n] of this.#pending) {
      const [day, metric] = key.split("|") as [string, UsageCounter];
      const row = rows.find((r) => r.day === day && r.metric === metric);
      if (row) row.count += n;
      else rows.unshift({ day, metric, count: n });
    }
    return rows;
  }

  /** Retention: counters older than `beforeDay` (YYYY-MM-DD) go. */
  async prune(beforeDay: string): Promise<number> {
    return (await this.#host.db.run(sql`DELETE FROM usage_counters WHERE day < ${beforeDay}`)).changes;
  }
}
