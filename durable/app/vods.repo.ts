import { sql, type SqlDriver, type SqlValue } from "../../core/db/sql.ts";

export type VodStatus = "recording" | "uploading" | "ready" | "failed";

/** API.md `VodRecord` (without the URLs, which the Worker signs). */
export interface Vod {
  id: string;
  egressId: string;
  room: string;
  streamId: string | null;
  mode: "room-composite" | "participant";
  fileKey: string;
  status: VodStatus;
  sizeBytes: number | null;
  durationS: number | null;
  width: number | null;
  height: number | null;
  format: string;
  startedAt: string;
  endedAt: string | null;
  error: string | null;
}

interface VodRow {
  id: string;
  egress_id: string;
  room: string;
  stream_id: string | null;
  mode: Vod["mode"];
  file_key: string;
  status: VodStatus;
  size_bytes: number | null;
  duration_s: number | null;
  width: number | null;
  height: number | null;
  format: string;
  started_at: string;
  ended_at: string | null;
  error: string | null;
  reservation_id: string | null;
}

const toVod = (row: VodRow): Vod => ({
  id: row.id,
  egressId: row.egress_id,
  room: row.room,
  streamId: row.stream_id,
  mode: row.mode,
  fileKey: row.file_key,
  status: row.status,
  sizeBytes: row.size_bytes,
  durationS: row.duration_s,
  width: row.width,
  height: row.height,
  format: row.format,
  startedAt: row.started_at,
  endedAt: row.ended_at,
  error: row.error,
});

export interface VodFilter {
  room?: string;
  status?: VodStatus;
  since?: string;
  until?: string;
}

const ORDER_COLUMNS = { started_at: "started_at", size_bytes: "size_bytes", id: "rowid" } as const;

export class VodsRepository {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  async insert(vod: Omit<Vod, "status" | "sizeBytes" | "durationS" | "endedAt" | "error" | "format"> & { reservationId: string | null }): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO vods (id, egress_id, room, stream_id, mode, file_key, status, width, height, started_at, reservation_id)
      VALUES (${vod.id}, ${vod.egressId}, ${vod.room}, ${vod.streamId}, ${vod.mode}, ${vod.fileKey}, 'recording', ${vod.width}, ${vod.height}, ${vod.startedAt}, ${vod.reservationId})`);
  }

  /** By VOD id or egress id. */
  async find(id: string): Promise<(Vod & { reservationId: string | null }) | null> {
    const row = await this.#db.one<VodRow>(sql`SELECT * FROM vods WHERE id = ${id} OR egress_id = ${id}`);
    return row ? { ...toVod(row), reservationId: row.reservation_id } : null;
  }

  async list(filter: VodFilter, order: keyof typeof ORDER_COLUMNS, dir: "asc" | "desc", limit: number, offset: number): Promise<{ vods: Vod[]; total: number }> {
    const conditions: [string, SqlValue | undefined][] = [
      ["room = ?", filter.room],
      ["status = ?", filter.status],
      ["started_at >= ?", filter.since],
      ["started_at <= ?", filter.until],
    ];
    const present = conditions.filter(([, v]) => v !== undefined) as [string, SqlValue][];
    const where = present.length ? `WHERE ${present.map(([c]) => c).join(" AND ")}` : "";
    const params = present.map(([, v]) => v);
    // The column comes from a fixed map, never from the request.
    const orderBy = `${ORDER_COLUMNS[order]} ${dir === "asc" ? "ASC" : "DESC"}`;
    const rows = await this.#db.all<VodRow>({ text: `SELECT * FROM vods ${where} ORDER BY ${orderBy} LIMIT ? OFFSET ?`, params: [...params, limit, offset] });
    const count = await this.#db.one<{ total: number }>({ text: `SELECT COUNT(*) AS total FROM vods ${where}`, params });
    return { vods: rows.map(toVod), total: count?.total ?? 0 };
  }

  async activeForRoom(room: string): Promise<Vod | null> {
    const row = await this.#db.one<VodRow>(sql`SELECT * FROM vods WHERE room = ${room} AND status = 'recording' ORDER BY started_at DESC LIMIT 1`);
    return row ? toVod(row) : null;
  }

  async setStatus(id: string, status: VodStatus): Promise<void> {
    await this.#db.run(sql`UPDATE vods SET status = ${status} WHERE id = ${id} AND status IN ('recording', 'uploading')`);
  }

  async finish(id: string, result: { status: "ready" | "failed"; sizeBytes: number | null; durationS: number | null; error: string | null }, now: string): Promise<void> {
    await this.#db.run(sql`
      UPDATE vods SET status = ${result.status}, size_bytes = ${result.sizeBytes}, duration_s = ${result.durationS}, error = ${result.error},
        ended_at = ${now}, reservation_id = NULL
      WHERE id = ${id}`);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.#db.run(sql`DELETE FROM vods WHERE id = ${id}`)).changes > 0;
  }

  async readyBytes(): Promise<number> {
    return (await this.#db.one<{ bytes: number | null }>(sql`SELECT SUM(size_bytes) AS bytes FROM vods WHERE status = 'ready'`))?.bytes ?? 0;
  }
}
