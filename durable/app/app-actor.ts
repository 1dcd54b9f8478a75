import { DurableObject } from "cloudflare:workers";
import { configFromEnv } from "../../core/config.ts";
import { ActorSqlDriver } from "../../core/db/actor-driver.ts";
import { migrate } from "../../core/db/migrate.ts";
import { maskSecret, openSecret, sealSecret, secretBoxKey, type SecretBoxKey } from "../../core/crypto/secret-box.ts";
import { appMigrations } from "./migrations.ts";
import { AppStateRepository, type AppAuditEntry } from "./app-state.repo.ts";
import { IngressRepository, type IngressInputType, type IngressRow, type NewIngress } from "./ingress.repo.ts";
import { LiveRepository, type AppEvent, type StreamRecord } from "./live.repo.ts";
import { verifyPassword } from "../../core/crypto/password.ts";
import { livekitClients, type LiveKitEvent } from "../../core/livekit.ts";
import { isPrivateTarget } from "../../core/net.ts";
import type { AppEventName, AppEvents } from "../../core/events.ts";
import { applyLiveKitEvent, type QuotaAction } from "./livekit-events.ts";
import { reconciliationEvents } from "./reconcile.ts";
import type { S3Credentials, S3Settings } from "../../core/s3.ts";
import { HlsRepository, VodsRepository, type HlsRow, type Vod, type VodFilter } from "./vods.repo.ts";
import { attempt, DELIVERY_TIMEOUT_MS, DISABLE_FAILING_AFTER_MS, MAX_IN_FLIGHT_PER_ENDPOINT, verdict, type AttemptResult } from "./webhook-delivery.ts";
import { generateWebhookSecret, legacySignature, standardSignature } from "./webhook-signing.ts";
import { WebhooksRepository, type DeliveryRow, type DeliveryStatus, type EndpointRow } from "./webhooks.repo.ts";
import { randomBytes, toBase64Url } from "../../core/crypto/encoding.ts";

/** Who this actor is; written by `init` when the app is created. */
export interface AppIdentity {
  name: string;
  roomPrefix: string;
  /** The tenant whose quota ledger counts this app's streams. */
  tenantId: string;
}

/** How often the live state is checked against LiveKit while anything is live (a lost webhook heals within this). */
export const RECONCILE_INTERVAL_MS = 60_000;

/** How long a validated RTMP password admits the ingress's next start. */
const INGRESS_VALIDATION_MS = 10 * 60_000;

/** Finished deliveries kept in each endpoint's log, besides the age limit (WEBHOOK_RETENTION_DAYS). */
const DELIVERY_LOG_KEEP = 10_000;

/** Public play tokens per client address per minute, per app. */
const PLAY_TOKENS_PER_WINDOW = 30;
const PLAY_TOKEN_WINDOW_MS = 60_000;

/** How long a LiveKit event id is remembered: a webhook repeated within this changes nothing. */
const SEEN_EVENTS_MS = 24 * 60 * 60 * 1000;

export interface AppActorSummary {
  identity: AppIdentity;
  initializedAt: string;
  secretNames: string[];
}

/**
 * One per app, addressed by `idFromName(app name)`. Owns everything about that
 * app in its own SQLite database, and serializes it: per-app rules need no locks.
 * It is only reached after the Registry confirmed the app exists.
 */
export class AppActor extends DurableObject<Env> {
  readonly #db: ActorSqlDriver;
  readonly #state: AppStateRepository;
  readonly #live: LiveRepository;
  readonly #ingresses: IngressRepository;
  readonly #vods: VodsRepository;
  readonly #hls: HlsRepository;
  readonly #webhooks: WebhooksRepository;
  /** When live state is next checked against LiveKit (kept in memory: a restart simply checks sooner). */
  #nextReconcileAt: number | null = null;
  readonly #playTokenWindows = new Map<string, { startedAt: number; count: number }>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#db = new ActorSqlDriver(ctx.storage);
    this.#state = new AppStateRepository(this.#db);
    this.#live = new LiveRepository(this.#db);
    this.#ingresses = new IngressRepository(this.#db);
    this.#vods = new VodsRepository(this.#db);
    this.#hls = new HlsRepository(this.#db);
    this.#webhooks = new WebhooksRepository(this.#db);
    void ctx.blockConcurrencyWhile(() => migrate(this.#db, appMigrations));
  }

  /**
   * Starts the app with an empty database. Anything left from an earlier app of
   * the same name (a wipe that did not finish) is removed first, so a re-created
   * app never inherits data.
   */
  async init(identity: AppIdentity): Promise<AppActorSummary> {
    await this.#reset();
    const now = new Date().toISOString();
    await this.#state.putConfig("identity", identity, now);
    await this.#state.putConfig("initialized_at", now, now);
    return { identity, initializedAt: now, secretNames: [] };
  }

  async summary(): Promise<AppActorSummary | null> {
    const identity = await this.#state.getConfig<AppIdentity>("identity");
    const initializedAt = await this.#state.getConfig<string>("initialized_at");
    if (!identity || !initializedAt) return null;
    return { identity, initializedAt, secretNames: await this.#state.secretNames() };
  }

  /** Keeps the room prefix the actor uses for LiveKit in step with the Registry. */
  async rename(roomPrefix: string): Promise<void> {
    const identity = await this.#requireIdentity();
    await this.#state.putConfig("identity", { ...identity, roomPrefix }, new Date().toISOString());
  }

  /** Stores a secret sealed under STREAMHUB_SECRET_KEY; returns its masked form. Null clears it. */
  async setSecret(name: string, plaintext: string | null): Promise<string | null> {
    const identity = await this.#requireIdentity();
    if (plaintext === null) {
      await this.#state.deleteSecret(name);
      return null;
    }
    const sealed = await sealSecret(await this.#secretKey(), plaintext, secretContext(identity.name, name));
    await this.#state.putSealedSecret(name, sealed, new Date().toISOString());
    return maskSecret(plaintext);
  }

  /** The plaintext of a stored secret, for the actor's own outbound calls (never returned by the API). */
  async revealSecret(name: string): Promise<string | null> {
    const identity = await this.#requireIdentity();
    const sealed = await this.#state.getSealedSecret(name);
    if (sealed === null) return null;
    return openSecret(await this.#secretKey(), sealed, secretContext(identity.name, name));
  }

  // ── Live state from LiveKit ────────────────────────────────────────────────

  /**
   * Applies a verified LiveKit webhook event. A repeat of an event id seen in
   * the last 24 h changes nothing. State and app events are written first,
   * then the tenant's quota ledger is told what started or ended.
   */
  async handleLiveKitEvent(event: LiveKitEvent): Promise<{ duplicate: boolean; startedRooms: string[] }> {
    const identity = await this.#requireIdentity();
    const now = Date.now();
    if (!(await this.#live.markSeen(event.id, now))) return { duplicate: true, startedRooms: [] };
    await this.#live.forgetSeenBefore(now - SEEN_EVENTS_MS);
    const outcome = await applyLiveKitEvent(this.#live, this.#ingresses, this.#vods, this.#hls, event, new Date(now).toISOString());
    await this.#settleQuota(identity, outcome.quota);
    await this.#rearm();
    return { duplicate: false, startedRooms: outcome.startedRooms };
  }

  async #settleQuota(identity: AppIdentity, actions: QuotaAction[]): Promise<void> {
    const ledger = this.env.QUOTA.get(this.env.QUOTA.idFromName(identity.tenantId));
    for (const action of actions) {
      if (action.kind === "commit") {
        // A lapsed reservation cannot be committed: count the stream anyway.
        if (!(await ledger.commit(action.reservationId))) await ledger.adjust("maxConcurrentStreams", 1);
      } else if (action.kind === "release") {
        await ledger.release(action.reservationId);
      } else {
        await ledger.adjust(action.metric, action.delta);
      }
    }
  }

  /**
   * The one alarm: set to the earliest of the next due webhook delivery and,
   * while anything is live, the next check against LiveKit. Called after every
   * change that may have queued events.
   */
  async #rearm(now = Date.now()): Promise<void> {
    const candidates: number[] = [];
    const undelivered = await this.#undeliveredEvents();
    if (undelivered) candidates.push(now);
    const due = await this.#webhooks.nextDue();
    if (due !== null) candidates.push(due);
    if (await this.#live.anythingLive()) {
      this.#nextReconcileAt ??= now + RECONCILE_INTERVAL_MS;
      candidates.push(this.#nextReconcileAt);
    } else {
      this.#nextReconcileAt = null;
    }
    if (candidates.length === 0) return void (await this.ctx.storage.deleteAlarm());
    const next = Math.min(...candidates);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next || current < now) await this.ctx.storage.setAlarm(next);
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    try {
      // deliverDue fans recorded events out first.
      await this.deliverDue(now);
      const retentionDays = configFromEnv(this.env).WEBHOOK_RETENTION_DAYS;
      await this.#webhooks.pruneFinished(new Date(now - retentionDays * 86_400_000).toISOString(), DELIVERY_LOG_KEEP);
      if (this.#nextReconcileAt !== null && this.#nextReconcileAt <= now) {
        this.#nextReconcileAt = now + RECONCILE_INTERVAL_MS;
        await this.reconcile();
        await this.#fanOut(Date.now());
      }
    } finally {
      await this.#rearm();
    }
  }

  /**
   * Brings the live state in line with LiveKit's ListRooms / ListParticipants,
   * so a webhook LiveKit never delivered (or StreamHub missed while down)
   * heals. Returns how many corrections were applied.
   */
  async reconcile(): Promise<number> {
    const identity = await this.#requireIdentity();
    const config = configFromEnv(this.env);
    const lk = livekitClients(config);
    if (!lk) return 0;
    const belongs = (room: string) => room === identity.roomPrefix || room.startsWith(`${identity.roomPrefix}-`);
    const inLiveKit = new Map((await lk.rooms.listRooms()).filter((room) => belongs(room.name)).map((room) => [room.name, room]));
    const rooms = new Set([...inLiveKit.keys(), ...(await this.#live.liveRooms())]);

    let applied = 0;
    const now = Date.now();
    for (const room of rooms) {
      const found = inLiveKit.get(room);
      const actual = found ? { name: room, sid: found.sid, participants: await lk.rooms.listParticipants(room) } : null;
      for (const event of await reconciliationEvents(this.#live, room, actual, now)) {
        const outcome = await applyLiveKitEvent(this.#live, this.#ingresses, this.#vods, this.#hls, event, new Date(now).toISOString());
        await this.#settleQuota(identity, outcome.quota);
        applied++;
      }
    }
    return applied;
  }

  /**
   * Remembers the quota reservation a publisher token holds, so that the
   * stream it starts commits it. A newer token for the same identity replaces
   * (and releases) the older one's.
   */
  async holdPublisherSlot(room: string, participant: string, reservationId: string, expiresAt: number): Promise<void> {
    const identity = await this.#requireIdentity();
    const previous = await this.#live.slot(room, participant);
    await this.#live.putSlot(room, participant, reservationId, expiresAt);
    await this.#live.deleteExpiredSlots(Date.now());
    if (previous && previous.reservation_id !== reservationId) {
      await this.env.QUOTA.get(this.env.QUOTA.idFromName(identity.tenantId)).release(previous.reservation_id);
    }
  }

  /** Whether this publisher already holds an unexpired slot (a token minted again for it needs no second one). */
  async hasPublisherSlot(room: string, participant: string): Promise<boolean> {
    const slot = await this.#live.slot(room, participant);
    return slot !== null && slot.expires_at > Date.now();
  }

  /** Active streams, each with its viewer count (participants of the room that are not hidden and publish nothing). */
  async listStreams(): Promise<StreamRecord[]> {
    const streams = await this.#live.activeStreams();
    const withViewers: StreamRecord[] = [];
    for (const stream of streams) withViewers.push({ ...stream, viewers: await this.#live.viewerCount(stream.room) });
    return withViewers;
  }

  async getStream(streamId: string): Promise<StreamRecord | null> {
    const stream = await this.#live.stream(streamId);
    return stream ? { ...stream, viewers: stream.status === "active" ? await this.#live.viewerCount(stream.room) : 0 } : null;
  }

  /** The room's other active streams (to know whether stopping one may close the room). */
  async activeStreamsIn(room: string): Promise<StreamRecord[]> {
    return this.#live.activeStreams(room);
  }

  /** Ends a stream StreamHub stopped itself (LiveKit's own webhook for it is then a no-op). */
  async endStream(streamId: string, reason: string): Promise<void> {
    const identity = await this.#requireIdentity();
    const stream = await this.#live.activeStream(streamId);
    if (!stream) return;
    const now = new Date().toISOString();
    await this.#live.endStream(streamId, reason, now);
    await this.#live.removeParticipant(stream.room, stream.participant);
    await this.#live.recordEvent("stream_ended", { streamId, room: stream.room, type: stream.type, participant: stream.participant, ingressId: stream.ingressId, reason }, now);
    if (stream.quotaHeld) await this.env.QUOTA.get(this.env.QUOTA.idFromName(identity.tenantId)).adjust("maxConcurrentStreams", -1);
  }

  /**
   * Admits one public play token for `ip`, or says how many seconds to wait.
   * Counted in this actor's memory (one per app, so exact across Workers);
   * losing the counts on a restart is harmless.
   */
  async admitPlayToken(ip: string): Promise<number> {
    const now = Date.now();
    const window = this.#playTokenWindows.get(ip);
    if (!window || window.startedAt + PLAY_TOKEN_WINDOW_MS <= now) {
      if (this.#playTokenWindows.size > 10_000) this.#playTokenWindows.clear();
      this.#playTokenWindows.set(ip, { startedAt: now, count: 1 });
      return 0;
    }
    if (window.count >= PLAY_TOKENS_PER_WINDOW) return Math.ceil((window.startedAt + PLAY_TOKEN_WINDOW_MS - now) / 1000);
    window.count++;
    return 0;
  }

  // ── Ingresses ──────────────────────────────────────────────────────────────

  /** Stores an ingress LiveKit created; its stream key is sealed, its password (if any) already hashed. */
  async addIngress(ingress: Omit<NewIngress, "streamKeySealed"> & { streamKey: string | null }): Promise<IngressView> {
    const identity = await this.#requireIdentity();
    const { streamKey, ...rest } = ingress;
    const sealed = streamKey ? await sealSecret(await this.#secretKey(), streamKey, ingressKeyContext(identity.name, ingress.ingressId)) : null;
    await this.#ingresses.insert({ ...rest, streamKeySealed: sealed }, new Date().toISOString());
    return (await this.getIngress(ingress.ingressId, true))!;
  }

  /** One ingress; its stream key only with `reveal` (callers that may see credentials). */
  async getIngress(ingressId: string, reveal: boolean): Promise<IngressView | null> {
    const row = await this.#ingresses.find(ingressId);
    return row ? this.#ingressView(row, reveal) : null;
  }

  async listIngresses(filter: { room?: string; q?: string }, limit: number, offset: number, reveal: boolean): Promise<{ ingresses: IngressView[]; total: number }> {
    const { rows, total } = await this.#ingresses.list(filter, limit, offset);
    const ingresses: IngressView[] = [];
    for (const row of rows) ingresses.push(await this.#ingressView(row, reveal));
    return { ingresses, total };
  }

  async removeIngress(ingressId: string): Promise<boolean> {
    return this.#ingresses.delete(ingressId);
  }

  /** Checks an RTMP publisher's password; a match marks the ingress validated. */
  async validateIngressPassword(ingressId: string, password: string): Promise<boolean | null> {
    const row = await this.#ingresses.find(ingressId);
    if (!row) return null;
    const valid = row.password_hash !== null && (await verifyPassword(password, row.password_hash));
    if (valid) await this.#ingresses.markValidated(ingressId, new Date().toISOString());
    return valid;
  }

  /**
   * Whether an ingress that just started publishing may: one with an RTMP
   * password must have been validated (POST …/validate) in the last 10
   * minutes; that validation is then used up. An unauthorized start is
   * recorded as a `stream_ended` with reason `unauthorized_rtmp_password`.
   */
  async admitIngressStart(ingressId: string): Promise<boolean> {
    const row = await this.#ingresses.find(ingressId);
    if (!row || row.password_hash === null) return true;
    const fresh = row.validated_at !== null && Date.now() - Date.parse(row.validated_at) < INGRESS_VALIDATION_MS;
    await this.#ingresses.clearValidation(ingressId);
    if (fresh) return true;
    await this.recordAppEvent("stream_ended", {
      streamId: `${row.room}/${row.participant_identity}`,
      room: row.room,
      type: row.input_type,
      participant: row.participant_identity,
      ingressId,
      reason: "unauthorized_rtmp_password",
    });
    return false;
  }

  /** The RTSP sources this app wants relayed, each with the RTMP ingest it feeds (for the relay sidecar). */
  async rtspRelays(): Promise<{ ingressId: string; room: string; sourceUrl: string; rtmpUrl: string; status: string }[]> {
    const identity = await this.#requireIdentity();
    const relays = [];
    for (const row of await this.#ingresses.rtspRelays()) {
      const key = row.stream_key_sealed ? await openSecret(await this.#secretKey(), row.stream_key_sealed, ingressKeyContext(identity.name, row.ingress_id)) : "";
      relays.push({ ingressId: row.ingress_id, room: row.room, sourceUrl: row.source_url ?? "", rtmpUrl: `${row.ingest_url}/${key}`, status: row.status });
    }
    return relays;
  }

  async #ingressView(row: IngressRow, reveal: boolean): Promise<IngressView> {
    const identity = await this.#requireIdentity();
    const streamKey =
      reveal && row.stream_key_sealed ? await openSecret(await this.#secretKey(), row.stream_key_sealed, ingressKeyContext(identity.name, row.ingress_id)) : null;
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
      viewers: row.status === "publishing" ? await this.#live.viewerCount(row.room) : null,
      relay:
        row.input_type === "rtsp"
          ? { status: row.relay_status ?? "pending", error: row.relay_error, restarts: row.relay_restarts, updatedAt: row.relay_updated_at }
          : null,
    };
  }

  /** The relay sidecar's report on one RTSP relay; false when this app has no such RTSP ingress. */
  async reportRelay(ingressId: string, report: { status: string; error: string | null; restarts: number }): Promise<boolean> {
    return this.#ingresses.setRelayStatus(ingressId, report, new Date().toISOString());
  }

  // ── Recordings ─────────────────────────────────────────────────────────────

  /** Records a recording LiveKit has started (its file goes to `fileKey` in the app's bucket). */
  async startVod(vod: Omit<Vod, "status" | "sizeBytes" | "durationS" | "endedAt" | "error" | "format" | "startedAt"> & { reservationId: string | null }): Promise<Vod> {
    const now = new Date().toISOString();
    await this.#vods.insert({ ...vod, startedAt: now });
    await this.#live.recordEvent("recording_started", { vodId: vod.id, egressId: vod.egressId, room: vod.room, streamId: vod.streamId, mode: vod.mode }, now);
    return (await this.#vods.find(vod.id))!;
  }

  /** By VOD id or egress id. */
  async getVod(id: string): Promise<Vod | null> {
    const vod = await this.#vods.find(id);
    if (!vod) return null;
    const { reservationId: _, ...shown } = vod;
    return shown;
  }

  /** The room's running recording, if any. */
  async activeRecordingFor(room: string): Promise<Vod | null> {
    return this.#vods.activeForRoom(room);
  }

  async markVodStopping(id: string): Promise<void> {
    await this.#vods.setStatus(id, "uploading");
  }

  async listVods(filter: VodFilter, order: "started_at" | "size_bytes" | "id", dir: "asc" | "desc", limit: number, offset: number): Promise<{ vods: Vod[]; total: number }> {
    return this.#vods.list(filter, order, dir, limit, offset);
  }

  /** The recording whose object is gone from the bucket: its row goes, and its bytes leave the tenant's storage use. */
  async removeVod(id: string): Promise<boolean> {
    const identity = await this.#requireIdentity();
    const vod = await this.#vods.find(id);
    if (!vod || !(await this.#vods.delete(vod.id))) return false;
    if (vod.status === "ready" && vod.sizeBytes) await this.#settleQuota(identity, [{ kind: "adjust", metric: "storageBytes", delta: -vod.sizeBytes }]);
    await this.#live.recordEvent("vod_deleted", { vodId: vod.id, room: vod.room, fileKey: vod.fileKey }, new Date().toISOString());
    return true;
  }

  // ── Live HLS ───────────────────────────────────────────────────────────────

  async hlsFor(room: string): Promise<HlsRow | null> {
    return this.#hls.forRoom(room);
  }

  async startHls(room: string, egressId: string, playlistKey: string, playlistUrl: string): Promise<void> {
    const now = new Date().toISOString();
    await this.#hls.start(room, egressId, playlistKey, now);
    await this.#live.recordEvent("hls_started", { room, egressId, playlistUrl }, now);
  }

  async stopHls(room: string): Promise<void> {
    const now = new Date().toISOString();
    const row = await this.#hls.forRoom(room);
    if (row && (await this.#hls.stop({ room }, now))) await this.#live.recordEvent("hls_stopped", { room, egressId: row.egress_id }, now);
  }

  // ── Outbound webhooks ──────────────────────────────────────────────────────

  async createWebhookEndpoint(input: { url: string; events: string[]; enabled: boolean; description: string | null; legacySecret?: string }): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
    const identity = await this.#requireIdentity();
    const id = `whep_${toBase64Url(randomBytes(9))}`;
    const secret = input.legacySecret ?? generateWebhookSecret();
    const now = new Date().toISOString();
    await this.#webhooks.insertEndpoint({
      id,
      url: input.url,
      events_json: JSON.stringify(input.events),
      enabled: input.enabled ? 1 : 0,
      description: input.description,
      secret_sealed: await sealSecret(await this.#secretKey(), secret, webhookSecretContext(identity.name, id)),
      legacy: input.legacySecret ? 1 : 0,
      created_at: now,
      updated_at: now,
    });
    return { endpoint: (await this.getWebhookEndpoint(id))!, secret };
  }

  async listWebhookEndpoints(): Promise<WebhookEndpointView[]> {
    return (await this.#webhooks.endpoints()).map(endpointView);
  }

  async getWebhookEndpoint(id: string): Promise<WebhookEndpointView | null> {
    const row = await this.#webhooks.endpoint(id);
    return row ? endpointView(row) : null;
  }

  async updateWebhookEndpoint(id: string, changes: { url?: string; events?: string[]; enabled?: boolean; description?: string | null }): Promise<WebhookEndpointView | null> {
    const row = await this.#webhooks.endpoint(id);
    if (!row) return null;
    const enabled = changes.enabled ?? row.enabled === 1;
    await this.#webhooks.updateEndpoint(
      id,
      {
        url: changes.url ?? row.url,
        events_json: changes.events ? JSON.stringify(changes.events) : row.events_json,
        enabled: enabled ? 1 : 0,
        description: changes.description === undefined ? row.description : changes.description,
        disabled_reason: enabled ? null : (row.disabled_reason ?? "disabled by a user"),
      },
      new Date().toISOString(),
    );
    // Enabled again: its waiting queue is due.
    await this.#rearm();
    return this.getWebhookEndpoint(id);
  }

  async deleteWebhookEndpoint(id: string): Promise<boolean> {
    return this.#webhooks.deleteEndpoint(id);
  }

  /**
   * The original's per-app `callbackUrl` / `callbackSecret` as one endpoint
   * (marked legacy): set, changed or removed along with the app settings.
   * With no secret a Standard Webhooks one is generated.
   */
  async syncLegacyCallback(url: string | null, secret: string | null | undefined): Promise<void> {
    const identity = await this.#requireIdentity();
    const legacy = (await this.#webhooks.endpoints()).find((e) => e.legacy === 1);
    if (url === null) {
      if (legacy) await this.#webhooks.deleteEndpoint(legacy.id);
      return;
    }
    if (!legacy) {
      const stored = secret === undefined ? await this.revealSecret("callbackSecret") : secret;
      await this.createWebhookEndpoint({ url, events: ["all"], enabled: true, description: "callbackUrl (legacy app setting)", legacySecret: stored ?? undefined });
      return;
    }
    await this.#webhooks.updateEndpoint(legacy.id, { url, events_json: legacy.events_json, enabled: legacy.enabled, description: legacy.description, disabled_reason: legacy.disabled_reason }, new Date().toISOString());
    if (secret) {
      const sealed = await sealSecret(await this.#secretKey(), secret, webhookSecretContext(identity.name, legacy.id));
      await this.#webhooks.rotateSecret(legacy.id, sealed, legacy.secret_sealed, Date.now(), new Date().toISOString());
    }
  }

  /** A new secret, shown once; the previous one keeps signing alongside for `graceSeconds`. */
  async rotateWebhookSecret(id: string, graceSeconds: number): Promise<{ secret: string; previousValidUntil: string } | null> {
    const identity = await this.#requireIdentity();
    const row = await this.#webhooks.endpoint(id);
    if (!row) return null;
    const secret = generateWebhookSecret();
    const validUntil = Date.now() + graceSeconds * 1000;
    const sealed = await sealSecret(await this.#secretKey(), secret, webhookSecretContext(identity.name, id));
    await this.#webhooks.rotateSecret(id, sealed, row.secret_sealed, validUntil, new Date().toISOString());
    return { secret, previousValidUntil: new Date(validUntil).toISOString() };
  }

  /** Queues a `webhook.test` ping for one endpoint (even a disabled one) and delivers it now. */
  async testWebhookEndpoint(id: string): Promise<string | null> {
    const identity = await this.#requireIdentity();
    const row = await this.#webhooks.endpoint(id);
    if (!row) return null;
    const now = Date.now();
    const messageId = `msg_${toBase64Url(randomBytes(12))}`;
    const body = envelope(messageId, "webhook.test", identity.name, now, { endpointId: id, message: "This is a test event from StreamHub." });
    const deliveryId = `dlv_${toBase64Url(randomBytes(12))}`;
    await this.#webhooks.batch([this.#webhooks.insertDelivery({ id: deliveryId, endpoint_id: id, message_id: messageId, event: "webhook.test", body, next_attempt_at: now, created_at: new Date(now).toISOString() })]);
    await this.deliverDue(now);
    await this.#rearm();
    return deliveryId;
  }

  async listDeliveries(endpointId: string, status: DeliveryStatus | undefined, limit: number, offset: number): Promise<{ deliveries: DeliveryView[]; total: number }> {
    const { rows, total } = await this.#webhooks.deliveries(endpointId, status, limit, offset);
    return { deliveries: rows.map(deliveryView), total };
  }

  async getDelivery(endpointId: string, deliveryId: string): Promise<(DeliveryView & { body: string; attemptLog: AttemptView[] }) | null> {
    const row = await this.#webhooks.delivery(deliveryId);
    if (!row || row.endpoint_id !== endpointId) return null;
    const attemptLog = (await this.#webhooks.attempts(deliveryId)).map((a) => ({ at: a.at, status: a.status, durationMs: a.duration_ms, error: a.error, response: a.response }));
    return { ...deliveryView(row), body: row.body, attemptLog };
  }

  /** Sends a delivery again, now, byte for byte and with the same webhook-id. */
  async replayDelivery(endpointId: string, deliveryId: string): Promise<boolean> {
    const row = await this.#webhooks.delivery(deliveryId);
    if (!row || row.endpoint_id !== endpointId) return false;
    const now = Date.now();
    await this.#webhooks.requeue(deliveryId, now, new Date(now).toISOString());
    await this.deliverDue(now);
    await this.#rearm();
    return true;
  }

  /**
   * Turns recorded app events into deliveries for every enabled endpoint that
   * subscribes to them. The events table is the outbox: a cursor of the last
   * event fanned out is advanced in the same transaction as the deliveries it
   * creates, so after a crash fan-out resumes exactly where it stopped.
   */
  async #fanOut(now: number): Promise<void> {
    const identity = await this.#requireIdentity();
    for (;;) {
      const cursor = (await this.#state.getConfig<number>("webhook_cursor")) ?? 0;
      const events = await this.#live.events(cursor, 200);
      if (events.length === 0) return;
      const endpoints = (await this.#webhooks.endpoints()).filter((e) => e.enabled === 1);
      const nowIso = new Date(now).toISOString();
      const statements = [];
      for (const event of events) {
        const targets = endpoints.filter((e) => subscribes(e, event.type));
        if (targets.length === 0) continue;
        const messageId = `msg_${toBase64Url(randomBytes(12))}`;
        // Serialized once: every endpoint, retry and replay sends these exact bytes.
        const body = envelope(messageId, event.type, identity.name, Date.parse(event.ts), JSON.parse(event.dataJson) as Record<string, unknown>);
        for (const endpoint of targets) {
          statements.push(this.#webhooks.insertDelivery({ id: `dlv_${toBase64Url(randomBytes(12))}`, endpoint_id: endpoint.id, message_id: messageId, event: event.type, body, next_attempt_at: now, created_at: nowIso }));
        }
      }
      statements.push(this.#state.putConfigStatement("webhook_cursor", events.at(-1)!.id, nowIso));
      await this.#webhooks.batch(statements);
    }
  }

  async #undeliveredEvents(): Promise<boolean> {
    const cursor = (await this.#state.getConfig<number>("webhook_cursor")) ?? 0;
    return (await this.#live.events(cursor, 1)).length > 0;
  }

  /** Attempts every due delivery (at most a few per endpoint at once), and records each attempt. Public for tests and `test`/`replay`. */
  async deliverDue(now = Date.now()): Promise<number> {
    await this.#fanOut(now);
    const identity = await this.#requireIdentity();
    // Leased past any attempt's timeout; a run that dies leaves them to the next one.
    const due = await this.#webhooks.claimDue(now, 100, Date.now() + 2 * DELIVERY_TIMEOUT_MS);
    const byEndpoint = new Map<string, DeliveryRow[]>();
    for (const delivery of due) byEndpoint.set(delivery.endpoint_id, [...(byEndpoint.get(delivery.endpoint_id) ?? []), delivery]);
    let attempted = 0;
    await Promise.all(
      [...byEndpoint].map(async ([endpointId, deliveries]) => {
        for (let i = 0; i < deliveries.length; i += MAX_IN_FLIGHT_PER_ENDPOINT) {
          const endpoint = await this.#webhooks.endpoint(endpointId);
          if (!endpoint) return;
          await Promise.all(deliveries.slice(i, i + MAX_IN_FLIGHT_PER_ENDPOINT).map((d) => this.#deliver(identity, endpoint, d)));
          attempted += Math.min(MAX_IN_FLIGHT_PER_ENDPOINT, deliveries.length - i);
        }
      }),
    );
    return attempted;
  }

  async #deliver(identity: AppIdentity, endpoint: EndpointRow, delivery: DeliveryRow): Promise<void> {
    const now = Date.now();
    const config = configFromEnv(this.env);
    const attemptsMade = delivery.attempts + 1;
    let result: AttemptResult;
    if (!config.STREAMHUB_WEBHOOK_ALLOW_PRIVATE && (await isPrivateTarget(endpoint.url))) {
      result = { status: null, error: "refused: the URL is on a private network (STREAMHUB_WEBHOOK_ALLOW_PRIVATE=1 allows it)", response: null, durationMs: 0, retryAfterMs: null };
    } else {
      const key = await this.#secretKey();
      const secret = await openSecret(key, endpoint.secret_sealed, webhookSecretContext(identity.name, endpoint.id));
      const secrets = [secret];
      if (endpoint.previous_secret_sealed && (endpoint.previous_valid_until ?? 0) > now) {
        secrets.push(await openSecret(key, endpoint.previous_secret_sealed, webhookSecretContext(identity.name, endpoint.id)));
      }
      const timestamp = Math.floor(now / 1000);
      const headers = {
        "Content-Type": "application/json",
        "User-Agent": "streamhub-core/callbacks",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": await standardSignature(secrets, delivery.message_id, timestamp, delivery.body),
        "X-StreamHub-Event": delivery.event,
        "X-StreamHub-Delivery": delivery.message_id,
        "X-StreamHub-Timestamp": new Date(now).toISOString(),
        "X-StreamHub-Signature": await legacySignature(secret, delivery.body),
      };
      result = await attempt(endpoint.url, headers, delivery.body);
    }

    const decided = result.error?.startsWith("refused:") ? ({ outcome: "failed" } as const) : verdict(result, attemptsMade, Date.now());
    const status: DeliveryStatus = decided.outcome === "delivered" ? "delivered" : decided.outcome === "retry" ? "pending" : "failed";
    await this.#webhooks.recordAttempt(
      delivery.id,
      { at: new Date().toISOString(), status: result.status, duration_ms: result.durationMs, error: result.error, response: result.response },
      { status, attempts: attemptsMade, nextAttemptAt: decided.outcome === "retry" ? decided.nextAttemptAt : null },
    );

    if (decided.outcome === "delivered") {
      if (endpoint.failing_since !== null) await this.#webhooks.markFailing(endpoint.id, null);
      return;
    }
    const disable = async (reason: string) => {
      await this.#webhooks.disable(endpoint.id, reason, new Date().toISOString());
      await this.#live.recordEvent("webhook.endpoint_disabled", { endpointId: endpoint.id, url: endpoint.url, reason }, new Date().toISOString());
    };
    if (decided.outcome === "gone") return disable("the receiver answered 410 Gone");
    const failingSince = endpoint.failing_since ?? now;
    if (endpoint.failing_since === null) await this.#webhooks.markFailing(endpoint.id, now);
    if (now - failingSince > DISABLE_FAILING_AFTER_MS && endpoint.enabled === 1) await disable("every delivery has failed for over 3 days");
  }

  // ── S3 ─────────────────────────────────────────────────────────────────────

  /** The app's bucket settings and whether its keys are set (masked); null when never configured. */
  async getS3(): Promise<{ settings: S3Settings; keyMasked: string | null; secretMasked: string | null } | null> {
    const settings = await this.#state.getConfig<S3Settings>("s3");
    if (!settings) return null;
    const credentials = await this.s3Credentials();
    return {
      settings,
      keyMasked: credentials ? maskSecret(credentials.accessKeyId) : null,
      secretMasked: credentials ? maskSecret(credentials.secretAccessKey) : null,
    };
  }

  /** Saves settings the Worker has proven to work; the keys are sealed like every secret. */
  async putS3(settings: S3Settings, credentials: S3Credentials): Promise<void> {
    await this.setSecret("s3AccessKeyId", credentials.accessKeyId);
    await this.setSecret("s3SecretAccessKey", credentials.secretAccessKey);
    await this.#state.putConfig("s3", settings, new Date().toISOString());
  }

  /** The bucket's keys, for StreamHub's own calls (probe, egress uploads, presigning); never returned by the API. */
  async s3Credentials(): Promise<S3Credentials | null> {
    const accessKeyId = await this.revealSecret("s3AccessKeyId");
    const secretAccessKey = await this.revealSecret("s3SecretAccessKey");
    return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : null;
  }

  /** Records an app event from outside the actor's own state changes (e.g. a quota decision), to be delivered like any other. */
  async recordAppEvent<E extends AppEventName>(type: E, data: AppEvents[E]): Promise<void> {
    await this.#live.recordEvent(type, data, new Date().toISOString());
    await this.#rearm();
  }

  /** `quota.warning` for a metric at most once a day (UTC) per app; true when it was recorded now. */
  async warnQuotaOnce(metric: string, data: AppEvents["quota.warning"]): Promise<boolean> {
    const today = new Date().toISOString().slice(0, 10);
    const key = `quota_warning:${metric}`;
    if ((await this.#state.getConfig<string>(key)) === today) return false;
    await this.#state.putConfig(key, today, new Date().toISOString());
    await this.recordAppEvent("quota.warning", data);
    return true;
  }

  /** The app's events after `afterId`, oldest first. */
  async events(afterId: number, limit: number): Promise<AppEvent[]> {
    return this.#live.events(afterId, limit);
  }

  async appendAudit(entry: AppAuditEntry): Promise<void> {
    await this.#state.appendAudit(entry);
  }

  async listAudit(limit: number, offset: number): Promise<{ entries: (AppAuditEntry & { id: number })[]; total: number }> {
    return this.#state.listAudit(limit, offset);
  }

  /** Deletes every row of this app. The Registry calls it after removing the app. */
  async wipe(): Promise<void> {
    await this.#reset();
  }

  async #reset(): Promise<void> {
    await this.ctx.storage.deleteAll();
    // deleteAll also dropped the schema; this instance keeps serving, so restore it.
    await migrate(this.#db, appMigrations);
  }

  async #requireIdentity(): Promise<AppIdentity> {
    const identity = await this.#state.getConfig<AppIdentity>("identity");
    if (!identity) throw new Error("app actor used before init");
    return identity;
  }

  #secretKey(): Promise<SecretBoxKey> {
    return secretBoxKey(configFromEnv(this.env).STREAMHUB_SECRET_KEY);
  }
}

const secretContext = (app: string, secret: string) => `app:${app}/secret:${secret}`;
const ingressKeyContext = (app: string, ingressId: string) => `app:${app}/ingress:${ingressId}/stream-key`;
const webhookSecretContext = (app: string, endpointId: string) => `app:${app}/webhook:${endpointId}/secret`;

/** The body every delivery of an event carries (API.md §4.2, plus `type`). */
function envelope(id: string, event: string, app: string, at: number, data: Record<string, unknown>): string {
  const room = typeof data.room === "string" ? data.room : null;
  return JSON.stringify({ id, event, type: event, app, room, ts: new Date(at).toISOString(), timestamp: Math.floor(at / 1000), data });
}

const subscribes = (endpoint: EndpointRow, event: string) => {
  const events = JSON.parse(endpoint.events_json) as string[];
  return events.includes("all") || events.includes(event);
};

export interface WebhookEndpointView {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  description: string | null;
  disabledReason: string | null;
  failingSince: string | null;
  rotatingUntil: string | null;
  secretSet: true;
  legacy: boolean;
  createdAt: string;
  updatedAt: string;
}

const endpointView = (row: EndpointRow): WebhookEndpointView => ({
  id: row.id,
  url: row.url,
  events: JSON.parse(row.events_json) as string[],
  enabled: row.enabled === 1,
  description: row.description,
  disabledReason: row.disabled_reason,
  failingSince: row.failing_since === null ? null : new Date(row.failing_since).toISOString(),
  rotatingUntil: row.previous_valid_until && row.previous_valid_until > Date.now() ? new Date(row.previous_valid_until).toISOString() : null,
  secretSet: true,
  legacy: row.legacy === 1,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface DeliveryView {
  id: string;
  webhookId: string;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AttemptView {
  at: string;
  status: number | null;
  durationMs: number;
  error: string | null;
  response: string | null;
}

const deliveryView = (row: DeliveryRow): DeliveryView => ({
  id: row.id,
  webhookId: row.message_id,
  event: row.event,
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at === null ? null : new Date(row.next_attempt_at).toISOString(),
  lastStatus: row.last_status,
  lastError: row.last_error,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

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
