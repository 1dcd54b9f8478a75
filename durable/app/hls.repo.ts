import { sql, type SqlDriver } from "../../core/db/sql.ts";

export interface HlsRow {
  room: string;
  egress_id: string;
  playlist_key: string;
  status: "active" | "stopped";
  started_at: string;
  ended_at: string | null;
}

/** Live HLS egresses, one per room. */
export class HlsRepository {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  forRoom(room: string): Promise<HlsRow | null> {
    return this.#db.one<HlsRow>(sql`SELECT * FROM hls WHERE room = ${room}`);
  }

  async start(room: string, egressId: string, playlistKey: string, now: string): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO hls (room, egress_id, playlist_key, status, started_at) VALUES (${room}, ${egressId}, ${playlistKey}, 'active', ${now})
      ON CONFLICT (room) DO UPDATE SET egress_id = excluded.egress_id, playlist_key = excluded.playlist_key, status = 'active',
        started_at = excluded.started_at, ended_at = NULL`);
  }

  /** Marks the room's (or the egress's) HLS stopped; false if it was not active. */
  async stop(match: { room?: string; egressId?: string }, now: string): Promise<boolean> {
    const result = await this.#db.run(sql`
      UPDATE hls SET status = 'stopped', ended_at = ${now}
      WHERE status = 'active' AND (room = ${match.room ?? null} OR egress_id = ${match.egressId ?? null})`);
    return result.changes > 0;
  }
}
