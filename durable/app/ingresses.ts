import { verifyPassword } from "../../core/crypto/password.ts";
import { openSecret, sealSecret } from "../../core/crypto/secret-box.ts";
import { livekitClients } from "../../core/livekit.ts";
import { describeError, log } from "../../core/log.ts";
import { ingressKeyContext, type AppHost } from "./host.ts";
import { IngressRepository, type IngressInputType, type IngressRow, type NewIngress } from "./ingress.repo.ts";

/** How long a validated RTMP password admits the ingress's next start. */
const INGRESS_VALIDATION_MS = 10 * 60_000;

/**
 * The app's LiveKit ingresses (RTMP, WHIP, URL, and RTSP through the relay
 * sidecar): their sealed stream keys, RTMP passwords and the admission of a
 * publisher, and what the relay sidecar reports.
 */
export class Ingresses {
  readonly #host: AppHost;
  readonly repository: IngressRepository;
  readonly #viewers: (room: string) => Promise<number>;

  constructor(host: AppHost, viewers: (room: string) => Promise<number>) {
    this.#host = host;
    this.repository = new IngressRepository(host.db);
    this.#viewers = viewers;
  }

  /** Stores an ingress LiveKit created; its stream key is sealed, its password (if any) already hashed. */
  async add(ingress: Omit<NewIngress, "streamKeySealed"> & { streamKey: string | null }): Promise<IngressView> {
    const identity = await this.#host.identity();
    const { streamKey, ...rest } = ingress;
    const sealed = streamKey ? await sealSecret(await this.#host.secretKey(), streamKey, ingressKeyContext(identity.name, ingress.ingressId)) : null;
    await this.repository.insert({ ...rest, streamKeySealed: sealed }, new Date().toISOString());
    return (await this.get(ingress.ingressId, true))!;
  }

  /** One ingress; its stream key only with `reveal` (callers that may see credentials). */
  async get(ingressId: string, reveal: boolean): Promise<IngressView | null> {
    const row = await this.repository.find(ingressId);
    return row ? this.#view(row, reveal) : null;
  }

  async list(filter: { room?: string; q?: string }, limit: number, offset: number, reveal: boolean): Promise<{ ingresses: IngressView[]; total: number }> {
    const { rows, total } = await this.repository.list(filter, limit, offset);
    const ingresses: IngressView[] = [];
    for (const row of rows) ingresses.push(await this.#view(row, reveal));
    return { ingresses, total };
  }

  async remove(ingressId: string): Promise<boolean> {
    return this.repository.delete(ingressId);
  }

  /** Checks an RTMP publisher's password; a match marks the ingress validated. */
  async validatePassword(ingressId: string, password: string): Promise<boolean | null> {
    const row = await this.repository.find(ingressId);
    if (!row) return null;
    const valid = row.password_hash !== null && (await verifyPassword(password, row.password_hash));
    if (valid) await this.repository.markValidated(ingressId, new Date().toISOString());
    return valid;
  }

  /**
   * An ingress just started publishing. One with an RTMP password must have
   * been validated (POST …/validate) in the last 10 minutes; that validation
   * is then used up. An unauthorized start is cut off here: recorded as a
   * `stream_ended` with reason `unauthorized_rtmp_password`, the ingress
   * deleted in LiveKit and here. Returns whether it was admitted.
   */
  async admitStart(ingressId: string): Promise<boolean> {
    const row = await this.repository.find(ingressId);
    if (!row || row.password_hash === null) return true;
    const fresh = row.validated_at !== null && Date.now() - Date.parse(row.validated_at) < INGRESS_VALIDATION_MS;
    await this.repository.clearValidation(ingressId);
    if (fresh) return true;
    await this.#host.events.record(
      "stream_ended",
      { streamId: `${row.room}/${row.participant_identity}`, room: row.room, type: row.input_type, participant: row.participant_identity, ingressId, reason: "unauthorized_rtmp_password" },
      new Date().toISOString(),
    );
    try {
      await livekitClients(this.#host.config())?.ingress.deleteIngress(ingressId);
    } catch (error) {
      log("error", "could not delete an unauthorized ingress", { ingressId, ...describeError(error) });
    }
    await this.repository.delete(ingressId);
    return false;
  }

  /** The RTSP sources this app wants relayed, each with the RTMP ingest it feeds (for the relay sidecar). */
  async rtspRelays(): Promise<{ ingressId: string; room: string; sourceUrl: string; rtmpUrl: string; status: string }[]> {
    const identity = await this.#host.identity();
    const relays = [];
    for (const row of await this.repository.rtspRelays()) {
      const key = row.stream_key_sealed ? await openSecret(await this.#host.secretKey(), row.stream_key_sealed, ingressKeyContext(identity.name, row.ingress_id)) : "";
      relays.push({ ingressId: row.ingress_id, room: row.room, sourceUrl: row.source_url ?? "", rtmpUrl: `${row.ingest_url}/${key}`, status: row.status });
    }
    return relays;
  }

  /** The relay sidecar's report on one RTSP relay; false when this app has no such RTSP ingress. */
  async reportRelay(ingressId: string, report: { status: string; error: string | null; restarts: number }): Promise<boolean> {
    return this.repository.setRelayStatus(ingressId, report, new Date().toISOString());
  }

  async #view(row: IngressRow, reveal: boolean): Promise<IngressView> {
    const identity = await this.#host.identity();
    const streamKey =
      reveal && row.stream_key_sealed ? await openSecret(await this.#host.secretKey(), row.stream_key_sealed, ingressKeyContext(identity.name, row.ingress_id)) : null;
    return {
      ingressId: row.ingress_id,
      name: row.name,
      inputType: row.input_type,
      status: row.status,
      room: row.room,
      participantIdentity: row.participant_identity,
      participantName: row.participant_name,
      url: row.ingest_url,
      sourceUrl: row.source_url,
      streamKey,
      streamKeySet: row.stream_key_sealed !== null,
      requiresPassword: row.password_hash !== null,
      passwordValidatedAt: row.validated_at,
      transcoding: row.transcoding === 1,
      createdAt: row.created_at,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      viewers: row.status === "publishing" ? await this.#viewers(row.room) : null,
      relay:
        row.input_type === "rtsp"
          ? { status: row.relay_status ?? "pending", error: row.relay_error, restarts: row.relay_restarts, updatedAt: row.relay_updated_at }
          : null,
    };
  }
}

/** An ingress as the API shows it (API.md §2.2). */
export interface IngressView {
  ingressId: string;
  name: string;
  inputType: IngressInputType;
  status: string;
  room: string;
  participantIdentity: string;
  participantName: string;
  /** LiveKit's ingest endpoint (RTMP base or WHIP URL; the source for URL inputs). */
  url: string;
  sourceUrl: string | null;
  /** Null unless the caller may see credentials. */
  streamKey: string | null;
  streamKeySet: boolean;
  requiresPassword: boolean;
  passwordValidatedAt: string | null;
  transcoding: boolean;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  viewers: number | null;
  /** For RTSP sources: what the relay sidecar last reported (`pending` until it has). */
  relay: { status: string; error: string | null; restarts: number; updatedAt: string | null } | null;
}
