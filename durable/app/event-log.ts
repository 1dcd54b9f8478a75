import { sql, type SqlDriver } from "../../core/db/sql.ts";
import type { AppEventName, AppEvents } from "../../core/events.ts";

export interface AppEvent {
  id: number;
  type: string;
  ts: string;
  /** The event's data, serialized once when it happened. */
  dataJson: string;
}

/**
 * Everything that happened to the app, in order: the `events` table, which is
 * also the webhook outbox (deliveries are fanned out from it by a cursor).
 * Only events of the catalog (core/events.ts) can be recorded.
 */
export class EventLog {
  readonly #db: SqlDriver;
  readonly #onRecorded: (type: AppEventName, data: unknown) => void;

  /** `onRecorded` is told after each event, so delivery can start at once (and /metrics count it). */
  constructor(db: SqlDriver, onRecorded: (type: AppEventName, data: unknown) => void) {
    this.#db = db;
    this.#onRecorded = onRecorded;
  }

  async record<E extends AppEventName>(type: E, data: AppEvents[E], now: string): Promise<void> {
    await this.#db.run(sql`INSERT INTO events (type, ts, data_json) VALUES (${type}, ${now}, ${JSON.stringify(data)})`);
    this.#onRecorded(type, data);
  }

  /** Events after `afterId`, oldest first. */
  async after(afterId: number, limit: number): Promise<AppEvent[]> {
    const rows = await this.#db.all<{ id: number; type: string; ts: string; data_json: string }>(
      sql`SELECT id, type, ts, data_json FROM events WHERE id > ${afterId} ORDER BY id LIMIT ${limit}`,
    );
    return rows.map((row) => ({ id: row.id, type: row.type, ts: row.ts, dataJson: row.data_json }));
  }
}
