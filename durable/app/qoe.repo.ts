import { sql, type SqlDriver, type SqlValue, type Statement } from "../../core/db/sql.ts";

export interface QoeViewRow {
  view_id: string;
  room: string;
  path: "webrtc" | "hls" | "none";
  first_frame_ms: number | null;
  rebuffer_ms: number;
  rebuffer_count: number;
  watched_ms: number;
  errors_json: string;
  started_at: string;
  updated_at: string;
  final: number;
}

export interface QoeTotals {
  views: number;
  /** Views that reported a first frame. */
  timed: number;
  rebuffer_ms: number;
  watched_ms: number;
  webrtc: number;
  hls: number;
  none: number;
}

/**
 * Which views: one room (as the viewer asked for it), those started at or
 * after `since`, or before `until`, or reported on at or after `updatedSince`
 * (the views that overlap a time span: started before its end, heard of after its start).
 */
export interface QoeFilter {
  room?: string;
  since?: string;
  until?: string;
  updatedSince?: string;
}

/** The app's quality-of-experience reports, one row a view (the `qoe_views` table). */
export class QoeRepository {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  /**
   * A view's report, inserted or merged into its row in one statement: the
   * latest report wins, except that what only grows (rebuffering, watch time,
   * `final`) never goes back, a first frame once known stays known, and the
   * room is the one the view started in.
   */
  async upsert(row: Omit<QoeViewRow, "started_at" | "updated_at">, now: string): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO qoe_views (view_id, room, path, first_frame_ms, rebuffer_ms, rebuffer_count, watched_ms, errors_json, started_at, updated_at, final)
      VALUES (${row.view_id}, ${row.room}, ${row.path}, ${row.first_frame_ms}, ${row.rebuffer_ms}, ${row.rebuffer_count}, ${row.watched_ms}, ${row.errors_json}, ${now}, ${now}, ${row.final})
      ON CONFLICT (view_id) DO UPDATE SET
        path = excluded.path,
        first_frame_ms = COALESCE(excluded.first_frame_ms, first_frame_ms),
        rebuffer_ms = MAX(rebuffer_ms, excluded.rebuffer_ms),
        rebuffer_count = MAX(rebuffer_count, excluded.rebuffer_count),
        watched_ms = MAX(watched_ms, excluded.watched_ms),
        errors_json = excluded.errors_json,
        updated_at = excluded.updated_at,
        final = MAX(final, excluded.final)`);
  }

  /** Newest first. */
  list(filter: QoeFilter, limit: number, offset: number): Promise<QoeViewRow[]> {
    const where = whereOf(filter);
    return this.#db.all<QoeViewRow>({ text: `SELECT * FROM qoe_views ${where.text} ORDER BY started_at DESC, view_id LIMIT ? OFFSET ?`, params: [...where.params, limit, offset] });
  }

  async totals(filter: QoeFilter): Promise<QoeTotals> {
    const where = whereOf(filter);
    const row = await this.#db.one<QoeTotals>({
      text: `SELECT COUNT(*) AS views, COUNT(first_frame_ms) AS timed,
               COALESCE(SUM(rebuffer_ms), 0) AS rebuffer_ms, COALESCE(SUM(watched_ms), 0) AS watched_ms,
               COALESCE(SUM(path = 'webrtc'), 0) AS webrtc, COALESCE(SUM(path = 'hls'), 0) AS hls, COALESCE(SUM(path = 'none'), 0) AS none
             FROM qoe_views ${where.text}`,
      params: where.params,
    });
    return row ?? { views: 0, timed: 0, rebuffer_ms: 0, watched_ms: 0, webrtc: 0, hls: 0, none: 0 };
  }

  /** The `rank`-th smallest time to first frame (0-based) among the views that reported one. */
  async firstFrameAtRank(filter: QoeFilter, rank: number): Promise<number | null> {
    const where = whereOf(filter, ["first_frame_ms IS NOT NULL"]);
    const row = await this.#db.one<{ ms: number }>({ text: `SELECT first_frame_ms AS ms FROM qoe_views ${where.text} ORDER BY first_frame_ms LIMIT 1 OFFSET ?`, params: [...where.params, rank] });
    return row?.ms ?? null;
  }

  /** Views started before `before` go, and all but the newest `keep`. */
  async prune(before: string, keep: number): Promise<number> {
    const cutoff = await this.#db.one<{ started_at: string }>(sql`SELECT started_at FROM qoe_views ORDER BY started_at DESC LIMIT 1 OFFSET ${keep - 1}`);
    const oldest = cutoff && cutoff.started_at > before ? cutoff.started_at : before;
    return (await this.#db.run(sql`DELETE FROM qoe_views WHERE started_at < ${oldest}`)).changes;
  }
}

function whereOf(filter: QoeFilter, always: string[] = []): Statement {
  const conditions: [string, SqlValue | undefined][] = [
    ["room = ?", filter.room],
    ["started_at >= ?", filter.since],
    ["started_at < ?", filter.until],
    ["updated_at >= ?", filter.updatedSince],
  ];
  const present = conditions.filter(([, value]) => value !== undefined) as [string, SqlValue][];
  const clauses = [...present.map(([clause]) => clause), ...always];
  return { text: clauses.length > 0 ? `WHERE ${clauses.join(" AND ")}` : "", params: present.map(([, value]) => value) };
}
