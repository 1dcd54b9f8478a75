import { sql, type SqlDriver } from "../../core/db/sql.ts";
import type { StreamHealth } from "../../core/events.ts";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** The app's live numbers at one time, or their peaks over a minute or an hour. */
export interface LiveNumbers {
  streams: number;
  viewers: number;
  publishers: number;
  /** Ingest bitrate as LiveKit's ingresses report it; null when none reports one. */
  ingestKbps: number | null;
}

export interface SeriesRow {
  ts: number;
  streams: number;
  viewers: number;
  publishers: number;
  ingest_kbps: number | null;
}

export interface SessionRow {
  id: number;
  stream_id: string;
  room: string;
  type: string;
  participant: string;
  ingress_id: string | null;
  started_at: string;
  ended_at: string | null;
  end_reason: string | null;
  viewers_now: number;
  peak_viewers: number;
  viewer_ms: number;
  changed_at: number;
  /** Counted when the session closes; while it is open, from session_viewers. */
  unique_viewers: number;
  ingest_kbps: number | null;
  stalled_reason: string | null;
  health: StreamHealth;
}

// An hour's bucket is written as the literal `minute / 3600000 * 3600000`: integer division
// needs integer operands, and a bound JavaScript number arrives in SQLite as a REAL.

/** The analytics tables of an app: minute and hour series, stream sessions and who watched the open ones. */
export class AnalyticsRepository {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  // The series

  /** One minute's peaks, merged with any row the minute already has (the highest of each stands). */
  async writeMinute(minute: number, n: LiveNumbers): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO analytics_minutes (minute, streams, viewers, publishers, ingest_kbps)
      VALUES (${minute}, ${n.streams}, ${n.viewers}, ${n.publishers}, ${n.ingestKbps})
      ON CONFLICT (minute) DO UPDATE SET
        streams = MAX(streams, excluded.streams),
        viewers = MAX(viewers, excluded.viewers),
        publishers = MAX(publishers, excluded.publishers),
        ingest_kbps = MAX(COALESCE(ingest_kbps, excluded.ingest_kbps), COALESCE(excluded.ingest_kbps, ingest_kbps))`);
  }

  /** Whether a complete hour before `hour` has minutes not rolled up yet. */
  async unrolledBefore(hour: number): Promise<boolean> {
    const row = await this.#db.one<{ minute: number | null }>(sql`
      SELECT MIN(minute) AS minute FROM analytics_minutes
      WHERE minute >= (SELECT COALESCE(MAX(hour) + ${HOUR_MS}, 0) FROM analytics_hours) AND minute < ${hour}`);
    return row?.minute !== null && row?.minute !== undefined;
  }

  /** Rolls every complete hour before `hour` not rolled up yet into its peaks. */
  async rollUpBefore(hour: number): Promise<number> {
    const result = await this.#db.run(sql`
      INSERT INTO analytics_hours (hour, streams, viewers, publishers, ingest_kbps, live_minutes)
      SELECT minute / 3600000 * 3600000 AS bucket, MAX(streams), MAX(viewers), MAX(publishers), MAX(ingest_kbps), COUNT(*)
      FROM analytics_minutes
      WHERE minute >= (SELECT COALESCE(MAX(hour) + ${HOUR_MS}, 0) FROM analytics_hours) AND minute < ${hour}
      GROUP BY bucket
      ON CONFLICT (hour) DO UPDATE SET
        streams = excluded.streams, viewers = excluded.viewers, publishers = excluded.publishers,
        ingest_kbps = excluded.ingest_kbps, live_minutes = excluded.live_minutes`);
    return result.changes;
  }

  /** Minute rows in [from, to). */
  minutes(from: number, to: number): Promise<SeriesRow[]> {
    return this.#db.all<SeriesRow>(sql`
      SELECT minute AS ts, streams, viewers, publishers, ingest_kbps FROM analytics_minutes
      WHERE minute >= ${from} AND minute < ${to} ORDER BY minute`);
  }

  /** Hour rows in [from, to): rolled up, or (for hours not rolled up yet) the peaks of their minutes. */
  hours(from: number, to: number): Promise<SeriesRow[]> {
    return this.#db.all<SeriesRow>(sql`
      SELECT hour AS ts, streams, viewers, publishers, ingest_kbps FROM analytics_hours
      WHERE hour >= ${from} AND hour < ${to}
      UNION ALL
      SELECT minute / 3600000 * 3600000 AS ts, MAX(streams), MAX(viewers), MAX(publishers), MAX(ingest_kbps)
      FROM analytics_minutes
      WHERE minute >= MAX(${from}, (SELECT COALESCE(MAX(hour) + ${HOUR_MS}, 0) FROM analytics_hours)) AND minute < ${to}
      GROUP BY ts
      ORDER BY ts`);
  }

  // Sessions

  openSessions(): Promise<SessionRow[]> {
    return this.#db.all<SessionRow>(sql`SELECT * FROM stream_sessions WHERE ended_at IS NULL ORDER BY id`);
  }

  async openSession(s: { streamId: string; room: string; type: string; participant: string; ingressId: string | null; startedAt: string; viewers: number }, now: number): Promise<number> {
    const row = await this.#db.one<{ id: number }>(sql`
      INSERT INTO stream_sessions (stream_id, room, type, participant, ingress_id, started_at, viewers_now, peak_viewers, changed_at)
      VALUES (${s.streamId}, ${s.room}, ${s.type}, ${s.participant}, ${s.ingressId}, ${s.startedAt}, ${s.viewers}, ${s.viewers}, ${now})
      RETURNING id`);
    return row!.id;
  }

  /** The session's concurrent viewers are now `viewers`: the time since the last change is added to its watch time. */
  async moveViewers(id: number, viewers: number, now: number): Promise<void> {
    await this.#db.run(sql`
      UPDATE stream_sessions SET
        viewer_ms = viewer_ms + viewers_now * MAX(0, ${now} - changed_at),
        viewers_now = ${viewers}, peak_viewers = MAX(peak_viewers, ${viewers}), changed_at = ${now}
      WHERE id = ${id} AND ended_at IS NULL`);
  }

  /** Closes the session: watch time up to `now`, its unique viewers counted, their list dropped. */
  async closeSession(id: number, endedAt: string, reason: string | null, now: number): Promise<void> {
    await this.#db.batch([
      sql`
        UPDATE stream_sessions SET
          viewer_ms = viewer_ms + viewers_now * MAX(0, ${now} - changed_at),
          viewers_now = 0, changed_at = ${now}, ended_at = ${endedAt}, end_reason = ${reason},
          unique_viewers = (SELECT COUNT(*) FROM session_viewers WHERE session_id = ${id})
        WHERE id = ${id} AND ended_at IS NULL`,
      sql`DELETE FROM session_viewers WHERE session_id = ${id}`,
    ]);
  }

  /** `identity` watched the open sessions of `room`. */
  async addViewer(room: string, identity: string): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO session_viewers (session_id, identity)
      SELECT id, ${identity} FROM stream_sessions WHERE room = ${room} AND ended_at IS NULL
      ON CONFLICT DO NOTHING`);
  }

  async addViewers(id: number, identities: string[]): Promise<void> {
    if (identities.length === 0) return;
    await this.#db.batch(identities.map((identity) => sql`INSERT INTO session_viewers (session_id, identity) VALUES (${id}, ${identity}) ON CONFLICT DO NOTHING`));
  }

  async openSessionOf(streamId: string): Promise<SessionRow | null> {
    return this.#db.one<SessionRow>(sql`SELECT * FROM stream_sessions WHERE stream_id = ${streamId} AND ended_at IS NULL`);
  }

  async setIngest(id: number, kbps: number | null): Promise<void> {
    await this.#db.run(sql`UPDATE stream_sessions SET ingest_kbps = ${kbps} WHERE id = ${id} AND ingest_kbps IS NOT ${kbps}`);
  }

  async setStalled(id: number, reason: string | null): Promise<void> {
    await this.#db.run(sql`UPDATE stream_sessions SET stalled_reason = ${reason} WHERE id = ${id} AND stalled_reason IS NOT ${reason}`);
  }

  async setHealth(id: number, health: StreamHealth): Promise<void> {
    await this.#db.run(sql`UPDATE stream_sessions SET health = ${health} WHERE id = ${id}`);
  }

  /** A stream's sessions, newest first, with the unique viewers of an open one counted so far. */
  sessionsOf(streamId: string, limit: number, offset: number): Promise<SessionRow[]> {
    return this.#db.all<SessionRow>(sql`
      SELECT s.id, s.stream_id, s.room, s.type, s.participant, s.ingress_id, s.started_at, s.ended_at, s.end_reason,
        s.viewers_now, s.peak_viewers, s.viewer_ms, s.changed_at,
        COALESCE(s.unique_viewers, (SELECT COUNT(*) FROM session_viewers v WHERE v.session_id = s.id)) AS unique_viewers,
        s.ingest_kbps, s.stalled_reason, s.health
      FROM stream_sessions s WHERE s.stream_id = ${streamId}
      ORDER BY s.started_at DESC, s.id DESC LIMIT ${limit} OFFSET ${offset}`);
  }

  async countSessionsOf(streamId: string): Promise<number> {
    return (await this.#db.one<{ n: number }>(sql`SELECT COUNT(*) AS n FROM stream_sessions WHERE stream_id = ${streamId}`))?.n ?? 0;
  }

  // Retention

  async prune(minutesBefore: number, hoursBefore: number, sessionsBefore: string): Promise<number> {
    const results = await this.#db.batch([
      sql`DELETE FROM analytics_minutes WHERE minute < ${minutesBefore}`,
      sql`DELETE FROM analytics_hours WHERE hour < ${hoursBefore}`,
      sql`DELETE FROM stream_sessions WHERE ended_at IS NOT NULL AND started_at < ${sessionsBefore}`,
    ]);
    return results.reduce((sum, result) => sum + result.changes, 0);
  }
}
