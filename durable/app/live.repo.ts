import { sql, type SqlDriver } from "../../core/db/sql.ts";

export type StreamType = "webrtc" | "rtmp" | "rtsp" | "whip" | "url";

/** API.md `StreamRecord`. */
export interface StreamRecord {
  id: string;
  streamId: string;
  type: StreamType;
  room: string;
  participant: string;
  ingressId: string | null;
  status: "active" | "ended";
  startedAt: string;
  endedAt: string | null;
  endReason: string | null;
  lastStatsJson: string;
  viewers?: number;
}

interface StreamRow {
  stream_id: string;
  type: StreamType;
  room: string;
  participant: string;
  ingress_id: string | null;
  status: "active" | "ended";
  started_at: string;
  ended_at: string | null;
  end_reason: string | null;
  last_stats_json: string;
  quota_held: number;
}

const toStream = (row: StreamRow): StreamRecord => ({
  id: row.stream_id,
  streamId: row.stream_id,
  type: row.type,
  room: row.room,
  participant: row.participant,
  ingressId: row.ingress_id,
  status: row.status,
  startedAt: row.started_at,
  endedAt: row.ended_at,
  endReason: row.end_reason,
  lastStatsJson: row.last_stats_json,
});

export interface ParticipantRow {
  room: string;
  identity: string;
  sid: string;
  /** 1: left out of viewer counts and never a stream (a QC or recorder participant; not a public play-token viewer, hidden as it is). */
  hidden: number;
  kind: string;
  tracks: number;
  joined_at: string;
}

/** The app's live picture: streams, who is in which room, LiveKit event ids seen. */
export class LiveRepository {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  // Streams

  async activeStream(streamId: string): Promise<(StreamRecord & { quotaHeld: boolean }) | null> {
    const row = await this.#db.one<StreamRow>(sql`SELECT * FROM streams WHERE stream_id = ${streamId} AND status = 'active'`);
    return row ? { ...toStream(row), quotaHeld: row.quota_held === 1 } : null;
  }

  async stream(streamId: string): Promise<StreamRecord | null> {
    const row = await this.#db.one<StreamRow>(sql`SELECT * FROM streams WHERE stream_id = ${streamId}`);
    return row ? toStream(row) : null;
  }

  async activeStreams(room?: string): Promise<StreamRecord[]> {
    const rows = room
      ? await this.#db.all<StreamRow>(sql`SELECT * FROM streams WHERE status = 'active' AND room = ${room} ORDER BY started_at`)
      : await this.#db.all<StreamRow>(sql`SELECT * FROM streams WHERE status = 'active' ORDER BY started_at`);
    return rows.map(toStream);
  }

  /** Starts (or restarts) a stream. An ingress type is never downgraded to webrtc. */
  async startStream(stream: { streamId: string; type: StreamType; room: string; participant: string; ingressId: string | null; quotaHeld: boolean }, now: string): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO streams (stream_id, type, room, participant, ingress_id, status, started_at, quota_held)
      VALUES (${stream.streamId}, ${stream.type}, ${stream.room}, ${stream.participant}, ${stream.ingressId}, 'active', ${now}, ${stream.quotaHeld ? 1 : 0})
      ON CONFLICT (stream_id) DO UPDATE SET
        type = CASE WHEN streams.type <> 'webrtc' AND excluded.type = 'webrtc' THEN streams.type ELSE excluded.type END,
        ingress_id = COALESCE(excluded.ingress_id, streams.ingress_id),
        status = 'active', started_at = excluded.started_at, ended_at = NULL, end_reason = NULL, quota_held = excluded.quota_held`);
  }

  async endStream(streamId: string, reason: string, now: string): Promise<void> {
    await this.#db.run(sql`
      UPDATE streams SET status = 'ended', ended_at = ${now}, end_reason = ${reason}, quota_held = 0
      WHERE stream_id = ${streamId} AND status = 'active'`);
  }

  // Participants

  async participant(room: string, identity: string): Promise<ParticipantRow | null> {
    return this.#db.one<ParticipantRow>(sql`SELECT * FROM participants WHERE room = ${room} AND identity = ${identity}`);
  }

  async upsertParticipant(p: { room: string; identity: string; sid: string; hidden: boolean; kind: string; tracks: number }, now: string): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO participants (room, identity, sid, hidden, kind, tracks, joined_at)
      VALUES (${p.room}, ${p.identity}, ${p.sid}, ${p.hidden ? 1 : 0}, ${p.kind}, ${p.tracks}, ${now})
      ON CONFLICT (room, identity) DO UPDATE SET sid = excluded.sid, hidden = excluded.hidden, kind = excluded.kind, tracks = excluded.tracks`);
  }

  async removeParticipant(room: string, identity: string): Promise<void> {
    await this.#db.run(sql`DELETE FROM participants WHERE room = ${room} AND identity = ${identity}`);
  }

  async participantsIn(room: string): Promise<ParticipantRow[]> {
    return this.#db.all<ParticipantRow>(sql`SELECT * FROM participants WHERE room = ${room}`);
  }

  async clearRoom(room: string): Promise<void> {
    await this.#db.run(sql`DELETE FROM participants WHERE room = ${room}`);
  }

  /** Viewers: participants in the room who are not hidden and publish nothing. */
  async viewerCount(room: string): Promise<number> {
    return (await this.#db.one<{ n: number }>(sql`SELECT COUNT(*) AS n FROM participants WHERE room = ${room} AND hidden = 0 AND tracks = 0`))?.n ?? 0;
  }

  /** Viewers per room (as viewerCount counts them), for every room that has any. */
  async viewersByRoom(): Promise<{ room: string; viewers: number }[]> {
    return this.#db.all<{ room: string; viewers: number }>(sql`SELECT room, COUNT(*) AS viewers FROM participants WHERE hidden = 0 AND tracks = 0 GROUP BY room`);
  }

  async viewerIdentities(room: string): Promise<string[]> {
    return (await this.#db.all<{ identity: string }>(sql`SELECT identity FROM participants WHERE room = ${room} AND hidden = 0 AND tracks = 0`)).map((row) => row.identity);
  }

  /** Participants that are not hidden and publish something (an ingress's participant included). */
  async publisherCount(): Promise<number> {
    return (await this.#db.one<{ n: number }>(sql`SELECT COUNT(*) AS n FROM participants WHERE hidden = 0 AND tracks > 0`))?.n ?? 0;
  }

  /** Rooms where this app has anyone or anything live. */
  async liveRooms(): Promise<string[]> {
    const rows = await this.#db.all<{ room: string }>(sql`SELECT room FROM participants UNION SELECT room FROM streams WHERE status = 'active'`);
    return rows.map((row) => row.room);
  }

  async anythingLive(): Promise<boolean> {
    return (await this.liveRooms()).length > 0;
  }

  // Ingress participants: which ingress a publishing ingress participant is.

  async rememberIngressParticipant(room: string, identity: string, ingressId: string, inputType: string, now: string): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO ingress_participants (room, identity, ingress_id, input_type, updated_at) VALUES (${room}, ${identity}, ${ingressId}, ${inputType}, ${now})
      ON CONFLICT (room, identity) DO UPDATE SET ingress_id = excluded.ingress_id, input_type = excluded.input_type, updated_at = excluded.updated_at`);
  }

  async ingressForParticipant(room: string, identity: string): Promise<{ ingressId: string; inputType: string } | null> {
    const row = await this.#db.one<{ ingress_id: string; input_type: string }>(sql`SELECT ingress_id, input_type FROM ingress_participants WHERE room = ${room} AND identity = ${identity}`);
    return row ? { ingressId: row.ingress_id, inputType: row.input_type } : null;
  }

  /** Remembers a LiveKit event id; false when it was already seen (a duplicate or a replay). */
  async markSeen(eventId: string, now: number): Promise<boolean> {
    const result = await this.#db.run(sql`INSERT INTO seen_events (event_id, seen_at) VALUES (${eventId}, ${now}) ON CONFLICT (event_id) DO NOTHING`);
    return result.changes > 0;
  }

  async forgetSeenBefore(before: number): Promise<number> {
    return (await this.#db.run(sql`DELETE FROM seen_events WHERE seen_at < ${before}`)).changes;
  }
}
