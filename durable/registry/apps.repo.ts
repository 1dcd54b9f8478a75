import { sql, uniqueViolationOn, type SqlDriver } from "../../core/db/sql.ts";

/** App settings kept with the app's registry row (secrets live encrypted in the app's own actor). */
export interface AppSettings {
  recordingEnabled?: boolean;
  /** Record every room as soon as a stream starts in it. */
  autoRecord?: boolean;
  /** Write an audit row for every join token minted (otherwise they are only counted). */
  auditTokens?: boolean;
  splitMinutes?: number;
  snapshotSeconds?: number;
  callbackUrl?: string | null;
  /** Masked form of the callback secret, so listings never need the actor to show it. */
  callbackSecretMasked?: string | null;
  features?: Record<string, boolean>;
  /** How the app's player pages look: defaults that a page's own query parameters override. */
  branding?: AppBranding;
  /** `/apps/{app}/config` (the original's adaptive/transcoding view): the simulcast ladder shown to players. */
  layers?: { name: string; height: number }[];
  /** Whether RTMP, RTSP and URL ingresses transcode (LiveKit's multi-layer ladder) unless a request says otherwise. */
  rtmpTranscode?: boolean;
  /** The original's GPU preference; kept and shown, always resolved to CPU here (StreamHub does not transcode). */
  hwaccel?: "auto" | "gpu" | "cpu";
}

export interface AppBranding {
  primaryColor?: string;
  logoUrl?: string;
  posterUrl?: string;
}

/** The app as the API returns it (API.md `AppRecord`). */
export interface AppRecord {
  id: number;
  name: string;
  displayName: string;
  livekitRoomPrefix: string;
  tenantId: string | null;
  createdAt: string;
  updatedAt: string;
  settingsJson: string;
  settings: AppSettings;
}

interface AppRow {
  id: number;
  name: string;
  display_name: string;
  livekit_room_prefix: string;
  tenant_id: string | null;
  settings_json: string;
  created_at: string;
  updated_at: string;
}

export interface NewApp {
  name: string;
  displayName: string;
  roomPrefix: string;
  tenantId: string | null;
}

export interface AppChanges {
  displayName?: string;
  roomPrefix?: string;
  settings?: AppSettings;
}

export type AppWriteConflict = "app_exists" | "room_prefix_taken";

const toAppRecord = (row: AppRow): AppRecord => ({
  id: row.id,
  name: row.name,
  displayName: row.display_name,
  livekitRoomPrefix: row.livekit_room_prefix,
  tenantId: row.tenant_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  settingsJson: row.settings_json,
  settings: JSON.parse(row.settings_json) as AppSettings,
});

/** Which unique column a failed write collided on. */
const conflictOf = (error: unknown): AppWriteConflict | null => {
  const column = uniqueViolationOn(error);
  if (column === "apps.name") return "app_exists";
  if (column === "apps.livekit_room_prefix") return "room_prefix_taken";
  return null;
};

export class AppsRepository {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  /**
   * Whether another app's room prefix overlaps this one: equal, or one of them
   * followed by "-" starts the other. Overlapping prefixes would let one app
   * mint tokens for, and receive webhooks of, another app's rooms. Both halves
   * are lookups in the prefix's unique index, not a scan over every app: the
   * prefixes this one starts with are its "-"-delimited starts, and those that
   * start with `prefix-` sort between `prefix-` and `prefix.` ("." follows "-").
   */
  async prefixOverlaps(prefix: string, exceptName: string | null): Promise<boolean> {
    const starts = roomPrefixCandidates(prefix);
    const row = await this.#db.one<{ name: string }>({
      text: `SELECT name FROM apps WHERE livekit_room_prefix IN (${starts.map(() => "?").join(", ")}) AND name IS NOT ?
        UNION ALL
        SELECT name FROM apps WHERE livekit_room_prefix >= ? AND livekit_room_prefix < ? AND name IS NOT ?
        LIMIT 1`,
      params: [...starts, exceptName, `${prefix}-`, `${prefix}.`, exceptName],
    });
    return row !== null;
  }

  async insert(app: NewApp, now: string): Promise<AppRecord | AppWriteConflict> {
    if ((await this.findByName(app.name)) !== null) return "app_exists";
    if (await this.prefixOverlaps(app.roomPrefix, null)) return "room_prefix_taken";
    try {
      const row = await this.#db.one<AppRow>(sql`
        INSERT INTO apps (name, display_name, livekit_room_prefix, tenant_id, settings_json, created_at, updated_at)
        VALUES (${app.name}, ${app.displayName}, ${app.roomPrefix}, ${app.tenantId}, '{}', ${now}, ${now})
        RETURNING *`);
      return toAppRecord(row!);
    } catch (error) {
      const conflict = conflictOf(error);
      if (!conflict) throw error;
      // When both collide SQLite names either column; a taken name is the answer that matters.
      return (await this.findByName(app.name)) ? "app_exists" : conflict;
    }
  }

  async findByName(name: string): Promise<AppRecord | null> {
    const row = await this.#db.one<AppRow>(sql`SELECT * FROM apps WHERE name = ${name}`);
    return row ? toAppRecord(row) : null;
  }

  /**
   * The app whose room prefix the room carries (`prefix` or `prefix-…`): each
   * "-"-delimited start of the room name is a candidate, looked up by the
   * prefix's unique index (no scan over every app).
   */
  async findByRoom(room: string): Promise<AppRecord | null> {
    const candidates = roomPrefixCandidates(room);
    const rows = await this.#db.all<AppRow>({
      text: `SELECT * FROM apps WHERE livekit_room_prefix IN (${candidates.map(() => "?").join(", ")}) ORDER BY length(livekit_room_prefix) DESC LIMIT 1`,
      params: candidates,
    });
    return rows[0] ? toAppRecord(rows[0]) : null;
  }

  async findById(id: number): Promise<AppRecord | null> {
    const row = await this.#db.one<AppRow>(sql`SELECT * FROM apps WHERE id = ${id}`);
    return row ? toAppRecord(row) : null;
  }

  /** Oldest first; narrowed to one tenant, or to one app (an app-scoped token's view). */
  async list(filter: { tenantId?: string; appId?: number }, limit: number, offset: number): Promise<{ apps: AppRecord[]; total: number }> {
    const conditions: string[] = [];
    const params: (string | number)[] = [];
    if (filter.tenantId !== undefined) {
      conditions.push("tenant_id = ?");
      params.push(filter.tenantId);
    }
    if (filter.appId !== undefined) {
      conditions.push("id = ?");
      params.push(filter.appId);
    }
    const where = conditions.length ? `WHERE ${conditions.join(" AND ")}` : "";
    const rows = await this.#db.all<AppRow>({ text: `SELECT * FROM apps ${where} ORDER BY id LIMIT ? OFFSET ?`, params: [...params, limit, offset] });
    const count = await this.#db.one<{ total: number }>({ text: `SELECT COUNT(*) AS total FROM apps ${where}`, params });
    return { apps: rows.map(toAppRecord), total: count?.total ?? 0 };
  }

  /** Applies the changes to an existing app; settings are merged key by key. Null when the app does not exist. */
  async update(name: string, changes: AppChanges, now: string): Promise<AppRecord | AppWriteConflict | null> {
    const current = await this.findByName(name);
    if (!current) return null;
    const settings = JSON.stringify({ ...current.settings, ...changes.settings });
    if (changes.roomPrefix !== undefined && changes.roomPrefix !== current.livekitRoomPrefix && (await this.prefixOverlaps(changes.roomPrefix, name))) {
      return "room_prefix_taken";
    }
    try {
      const row = await this.#db.one<AppRow>(sql`
        UPDATE apps SET
          display_name = ${changes.displayName ?? current.displayName},
          livekit_room_prefix = ${changes.roomPrefix ?? current.livekitRoomPrefix},
          settings_json = ${settings},
          updated_at = ${now}
        WHERE name = ${name}
        RETURNING *`);
      return row ? toAppRecord(row) : null;
    } catch (error) {
      const conflict = conflictOf(error);
      if (conflict) return conflict;
      throw error;
    }
  }

  /** Removes the app and every API token bound to it, and retires its name (see `isRetired`), together. */
  async delete(name: string, now: string): Promise<boolean> {
    const results = await this.#db.batch([
      sql`DELETE FROM api_tokens WHERE app_id = (SELECT id FROM apps WHERE name = ${name})`,
      sql`INSERT OR REPLACE INTO retired_app_names (name, retired_at) SELECT name, ${now} FROM apps WHERE name = ${name}`,
      sql`DELETE FROM apps WHERE name = ${name}`,
    ]);
    return (results[2]?.changes ?? 0) > 0;
  }

  /** Whether the name was a deleted app's, whose actor database may not have been wiped. */
  async isRetired(name: string): Promise<boolean> {
    return (await this.#db.one(sql`SELECT 1 AS retired FROM retired_app_names WHERE name = ${name}`)) !== null;
  }

  /** The name is an app's again. */
  async unretire(name: string): Promise<void> {
    await this.#db.run(sql`DELETE FROM retired_app_names WHERE name = ${name}`);
  }
}

/** "a-b-c" → ["a-b-c", "a-b", "a"]: the prefixes a room of that name may belong to, longest first. */
export function roomPrefixCandidates(room: string): string[] {
  const candidates = [room];
  for (let at = room.lastIndexOf("-"); at > 0; at = room.lastIndexOf("-", at - 1)) candidates.push(room.slice(0, at));
  return candidates;
}
