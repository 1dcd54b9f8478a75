import { sql, type SqlDriver } from "../../core/db/sql.ts";

export type IngressInputType = "rtmp" | "whip" | "url" | "rtsp";
export type IngressStatus = "inactive" | "buffering" | "publishing" | "error" | "complete";

export interface IngressRow {
  ingress_id: string;
  name: string;
  input_type: IngressInputType;
  room: string;
  participant_identity: string;
  participant_name: string;
  source_url: string | null;
  ingest_url: string;
  stream_key_sealed: string | null;
  password_hash: string | null;
  validated_at: string | null;
  transcoding: number;
  status: IngressStatus;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  relay_status: string | null;
  relay_error: string | null;
  relay_restarts: number;
  relay_updated_at: string | null;
}

export interface NewIngress {
  ingressId: string;
  name: string;
  inputType: IngressInputType;
  room: string;
  participantIdentity: string;
  participantName: string;
  sourceUrl: string | null;
  ingestUrl: string;
  streamKeySealed: string | null;
  passwordHash: string | null;
  transcoding: boolean;
}

/** LiveKit's `IngressState.Status` names → the API's. */
export const INGRESS_STATUS: Record<string, IngressStatus> = {
  ENDPOINT_INACTIVE: "inactive",
  ENDPOINT_BUFFERING: "buffering",
  ENDPOINT_PUBLISHING: "publishing",
  ENDPOINT_ERROR: "error",
  ENDPOINT_COMPLETE: "complete",
};

export class IngressRepository {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  async insert(ingress: NewIngress, now: string): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO ingresses (ingress_id, name, input_type, room, participant_identity, participant_name, source_url, ingest_url,
                             stream_key_sealed, password_hash, transcoding, created_at)
      VALUES (${ingress.ingressId}, ${ingress.name}, ${ingress.inputType}, ${ingress.room}, ${ingress.participantIdentity},
              ${ingress.participantName}, ${ingress.sourceUrl}, ${ingress.ingestUrl}, ${ingress.streamKeySealed},
              ${ingress.passwordHash}, ${ingress.transcoding ? 1 : 0}, ${now})`);
  }

  find(ingressId: string): Promise<IngressRow | null> {
    return this.#db.one<IngressRow>(sql`SELECT * FROM ingresses WHERE ingress_id = ${ingressId}`);
  }

  async list(filter: { room?: string; q?: string }, limit: number, offset: number): Promise<{ rows: IngressRow[]; total: number }> {
    const conditions: string[] = [];
    const params: string[] = [];
    if (filter.room) {
      conditions.push("room = ?");
      params.push(filter.room);
    }
    if (filter.q) {
      conditions.push("(instr(lower(name), lower(?)) > 0 OR instr(lower(ingress_id), lower(?)) > 0)");
      params.push(filter.q, filter.q);
    }
    const where = conditions.length ? `WHERE ${conditions.join(" AND ")}` : "";
    const rows = await this.#db.all<IngressRow>({ text: `SELECT * FROM ingresses ${where} ORDER BY created_at DESC, ingress_id LIMIT ? OFFSET ?`, params: [...params, limit, offset] });
    const count = await this.#db.one<{ total: number }>({ text: `SELECT COUNT(*) AS total FROM ingresses ${where}`, params });
    return { rows, total: count?.total ?? 0 };
  }

  async delete(ingressId: string): Promise<boolean> {
    return (await this.#db.run(sql`DELETE FROM ingresses WHERE ingress_id = ${ingressId}`)).changes > 0;
  }

  async setStatus(ingressId: string, status: IngressStatus, now: string): Promise<void> {
    await this.#db.run(sql`
      UPDATE ingresses SET status = ${status},
        started_at = CASE WHEN ${status} = 'publishing' AND (started_at IS NULL OR ended_at IS NOT NULL) THEN ${now} ELSE started_at END,
        ended_at = CASE WHEN ${status} IN ('inactive', 'complete', 'error') THEN ${now} WHEN ${status} = 'publishing' THEN NULL ELSE ended_at END
      WHERE ingress_id = ${ingressId}`);
  }

  async clearValidation(ingressId: string): Promise<void> {
    await this.#db.run(sql`UPDATE ingresses SET validated_at = NULL WHERE ingress_id = ${ingressId}`);
  }

  async markValidated(ingressId: string, now: string): Promise<void> {
    await this.#db.run(sql`UPDATE ingresses SET validated_at = ${now} WHERE ingress_id = ${ingressId}`);
  }

  async setRelayStatus(ingressId: string, report: { status: string; error: string | null; restarts: number }, now: string): Promise<boolean> {
    const result = await this.#db.run(sql`
      UPDATE ingresses SET relay_status = ${report.status}, relay_error = ${report.error}, relay_restarts = ${report.restarts}, relay_updated_at = ${now}
      WHERE ingress_id = ${ingressId} AND input_type = 'rtsp'`);
    return result.changes > 0;
  }

  rtspRelays(): Promise<IngressRow[]> {
    return this.#db.all<IngressRow>(sql`SELECT * FROM ingresses WHERE input_type = 'rtsp' ORDER BY created_at`);
  }
}
