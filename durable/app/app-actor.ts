import { DurableObject } from "cloudflare:workers";
import { configFromEnv, type Config } from "../../core/config.ts";
import { registry } from "../../core/actors.ts";
import { describeError, log } from "../../core/log.ts";
import { secretBoxKey, type SecretBoxKey } from "../../core/crypto/secret-box.ts";
import { ActorSqlDriver } from "../../core/db/actor-driver.ts";
import { migrate } from "../../core/db/migrate.ts";
import type { AppEventName, AppEvents } from "../../core/events.ts";
import type { LiveKitEvent } from "../../core/livekit.ts";
import type { S3Credentials, S3Settings } from "../../core/s3.ts";
import { playlistUrl } from "../../core/hls.ts";
import { Analytics, type Resolution, type SeriesPoint, type SessionReport } from "./analytics.ts";
import { AppMetrics } from "./app-metrics.ts";
import type { AppAuditEntry } from "./app-state.repo.ts";
import { EventLog, type AppEvent } from "./event-log.ts";
import type { AppHost, AppIdentity, AppTask } from "./host.ts";
import type { NewIngress } from "./ingress.repo.ts";
import { Ingresses, type IngressView } from "./ingresses.ts";
import { Live } from "./live.ts";
import { LiveFeed } from "./live-feed.ts";
import { liveNumbers, type LiveNumbers } from "./live-numbers.ts";
import type { StreamRecord } from "./live.repo.ts";
import { appMigrations } from "./migrations.ts";
import { Qoe, QOE_RETENTION_DAYS, type QoeFilter, type QoeReport, type QoeSummary, type QoeView } from "./qoe.ts";
import { Recordings, type RecordingRequest, type StartHlsResult, type StartRecordingResult, type StopHlsResult, type StopRecordingResult } from "./recordings.ts";
import { Samples, type Sample, type SampleInfo, type SampleWrite } from "./samples.ts";
import { Scheduler, type TaskRunner } from "../lib/scheduler.ts";
import { Settings, type AppActorSummary } from "./settings.ts";
import { Usage, type UsageCounter } from "./usage.ts";
import type { Vod, VodFilter } from "./vods.repo.ts";
import type { DeliveryStatus } from "./webhooks.repo.ts";
import { Webhooks, type AttemptView, type DeliveryView, type WebhookEndpointView } from "./webhooks.ts";

export type { AppActorSummary } from "./settings.ts";
export type { Resolution, SeriesPoint, SessionReport } from "./analytics.ts";
export type { AppIdentity } from "./host.ts";
export type { IngressView } from "./ingresses.ts";
export type { LiveNumbers } from "./live-numbers.ts";
export type { QoeReport, QoeSummary, QoeView } from "./qoe.ts";
export type { Sample, SampleInfo, SampleWrite } from "./samples.ts";
export { RECONCILE_INTERVAL_MS } from "./live.ts";
export type { AttemptView, DeliveryView, WebhookEndpointView } from "./webhooks.ts";

const DAY_MS = 86_400_000;

const analyticsFailed = (error: unknown) => log("error", "analytics could not follow a live change; the live state is unaffected", { ...describeError(error) });

/** A stream's live HLS: its egress (null: it never had one), whether it runs, and where players read it. */
export interface StreamHls {
  egressId: string | null;
  active: boolean;
  playlistUrl: string | null;
}

/** The stream asked for is not there (or, to start something, not live). */
export type StreamNotFound = { ok: false; code: "stream_not_found" };

/** What the app record (in the Registry) says that the actor acts on when LiveKit reports a stream. */
export interface LiveKitEventOptions {
  autoRecord: boolean;
  recordingEnabled: boolean;
}

/**
 * One per app, addressed by `idFromName(app name)`. Owns everything about that
 * app in its own SQLite database, and serializes it: per-app rules need no
 * locks. The class is a thin typed RPC surface over the capabilities that own
 * the app's tables — live state, ingresses, recordings and HLS, webhooks,
 * settings and secrets (with the audit log), usage counters, sample pages,
 * players' quality-of-experience reports — and the one alarm over one
 * schedule table. It is only reached after the Registry confirmed the app
 * exists.
 */
export class AppActor extends DurableObject<Env> {
  readonly #db: ActorSqlDriver;
  readonly #host: AppHost;
  readonly #scheduler: Scheduler<AppTask>;
  readonly #settings: Settings;
  readonly #usage: Usage;
  readonly #webhooks: Webhooks;
  readonly #ingresses: Ingresses;
  readonly #recordings: Recordings;
  readonly #live: Live;
  readonly #feed: LiveFeed;
  readonly #samples: Samples;
  readonly #qoe: Qoe;
  readonly #analytics: Analytics;
  readonly #runners: Record<AppTask, TaskRunner>;
  #identity: AppIdentity | null = null;
  #adoption: Promise<AppIdentity | null> | null = null;
  #arrived: { event: LiveKitEvent; resolve: (outcome: { duplicate: boolean; startedRooms: string[] }) => void; reject: (error: unknown) => void }[] = [];
  #config: Config | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#db = new ActorSqlDriver(ctx.storage);
    this.#scheduler = new Scheduler(this.#db, ctx.storage);
    const metrics = new AppMetrics({ db: this.#db, env, identity: () => this.#requireIdentity() });
    const events = new EventLog(this.#db, (type, data) => {
      this.#webhooks.kick();
      metrics.event(type, data);
    });
    const host: AppHost = (this.#host = {
      db: this.#db,
      env,
      events,
      scheduler: this.#scheduler,
      metrics,
      config: () => (this.#config ??= configFromEnv(env)),
      identity: () => this.#requireIdentity(),
      secretKey: () => this.#secretKey(),
      ledger: (tenantId) => env.QUOTA.get(env.QUOTA.idFromName(tenantId)),
    });
    this.#settings = new Settings(host);
    this.#usage = new Usage(host);
    this.#webhooks = new Webhooks(host);
    this.#ingresses = new Ingresses(host, (room) => this.#live.viewerCount(room));
    this.#recordings = new Recordings(host, this.#settings);
    this.#live = new Live(host, { egressChanged: (egress, event, now) => this.#recordings.egressChanged(egress, event, now), ingresses: this.#ingresses });
    this.#feed = new LiveFeed(() => this.#live.streams());
    this.#samples = new Samples(host);
    this.#qoe = new Qoe(host);
    this.#analytics = new Analytics(host, this.#live, async (filter) => (await this.#qoe.views(filter, 0, 0)).summary);
    this.#runners = {
      webhooks: () => this.#webhooks.runScheduled(),
      reconcile: async (now) => {
        const next = await this.#live.runScheduled(now);
        await this.#liveChanged();
        // While anything is live, /metrics hears from the app at least once a minute (counts made elsewhere included).
        metrics.changed();
        return next;
      },
      audit_forward: (now) => this.#settings.forwardAudit(now),
      retention: (now) => this.#retention(now),
      analytics: (now) => this.#analytics.runScheduled(now),
    };
    void ctx.blockConcurrencyWhile(async () => {
      await migrate(this.#db, appMigrations);
      // An actor from before the schedule table (or one whose alarm was lost) is brought in line;
      // one not yet adopted has nothing to do until its first use.
      if ((await this.#settings.get("identity")) !== null) await this.#scheduler.arm();
    });
  }

  /** The one alarm: every due task of the schedule, then re-armed to the earliest row. */
  override async alarm(): Promise<void> {
    this.#scheduler.fired();
    // A wiped (or never created) app has no work: its schedule goes.
    if (!(await this.#initialized())) return this.#scheduler.clear();
    await this.#scheduler.runDue(this.#runners);
  }

  // ── The app ────────────────────────────────────────────────────────────────

  async summary(): Promise<AppActorSummary | null> {
    return (await this.#initialized()) ? this.#settings.summary() : null;
  }

  /** Keeps the room prefix the actor uses for LiveKit in step with the Registry. */
  async rename(roomPrefix: string): Promise<void> {
    const identity = { ...(await this.#requireIdentity()), roomPrefix };
    await this.#settings.put("identity", identity);
    this.#identity = identity;
  }

  /**
   * Deletes every row of this app (called once the Registry has removed it).
   * Audit rows the global log does not have yet are handed over first: the
   * record of what was done to an app outlives the app.
   */
  async wipe(): Promise<void> {
    // Only what is stored here: a wipe never adopts (the Registry may already hold a new app of this name).
    this.#identity ??= await this.#settings.get<AppIdentity>("identity");
    if (this.#identity !== null) {
      try {
        while ((await this.#settings.forwardAudit(Date.now())) !== null);
      } catch (error) {
        log("error", "could not hand the app's last audit rows to the global log", { ...describeError(error) });
      }
      await this.#host.metrics.forget(this.#identity.name);
    }
    await this.#reset();
  }

  /**
   * Before a deleted app's name is used again (the create route): empties what
   * that app left here — unless this database is already the new app's, as
   * when two creates of the name raced and the other one won.
   */
  async clearForReuse(): Promise<void> {
    const stored = await this.#settings.get<AppIdentity>("identity");
    if (stored?.appId !== undefined && this.ctx.id.name !== undefined && (await registry(this.env).getApp(this.ctx.id.name))?.id === stored.appId) return;
    await this.wipe();
  }

  async setSecret(name: string, plaintext: string | null): Promise<string | null> {
    return this.#settings.setSecret(name, plaintext);
  }

  async revealSecret(name: string): Promise<string | null> {
    return this.#settings.revealSecret(name);
  }

  async getS3(): Promise<{ settings: S3Settings; keyMasked: string | null; secretMasked: string | null } | null> {
    return this.#settings.s3View();
  }

  async putS3(settings: S3Settings, credentials: S3Credentials): Promise<void> {
    await this.#settings.putS3(settings, credentials);
  }

  async s3Credentials(): Promise<S3Credentials | null> {
    return this.#settings.s3Credentials();
  }

  /** The app's bucket settings alone (its keys are not opened): what a VOD's public URL needs. */
  async bucketSettings(): Promise<S3Settings | null> {
    return this.#settings.s3Settings();
  }

  /** The app's bucket, settings and keys, in one call: null unless both are set. */
  async bucket(): Promise<{ settings: S3Settings; credentials: S3Credentials } | null> {
    return this.#settings.bucket();
  }

  async appendAudit(entry: AppAuditEntry): Promise<void> {
    await this.#settings.appendAudit(entry);
  }

  async listAudit(limit: number, offset: number): Promise<{ entries: (AppAuditEntry & { id: number })[]; total: number }> {
    return this.#settings.listAudit(limit, offset);
  }

  // ── Events ─────────────────────────────────────────────────────────────────

  /** Records an app event from outside the actor's own state changes, to be delivered like any other. */
  async recordAppEvent<E extends AppEventName>(type: E, data: AppEvents[E]): Promise<void> {
    await this.#host.events.record(type, data, new Date().toISOString());
  }

  async warnQuotaOnce(data: AppEvents["quota.warning"]): Promise<boolean> {
    return this.#settings.warnQuotaOnce(data);
  }

  /** The app's events after `afterId`, oldest first. */
  async events(afterId: number, limit: number): Promise<AppEvent[]> {
    return this.#host.events.after(afterId, limit);
  }

  // ── Live state and tokens ──────────────────────────────────────────────────

  /**
   * A verified LiveKit webhook event, in one call: applied to the live state
   * (a repeat changes nothing), an RTMP start without a validated password cut
   * off, and auto-record started where a stream began.
   */
  async handleLiveKitEvent(event: LiveKitEvent, options: LiveKitEventOptions = { autoRecord: false, recordingEnabled: true }): Promise<{ duplicate: boolean; startedRooms: string[] }> {
    const outcome = await this.#applied(event);
    if (outcome.duplicate) return outcome;
    if (event.event === "ingress_started" && event.ingress) await this.#ingresses.admitStart(event.ingress.ingressId);
    if (options.autoRecord && outcome.startedRooms.length > 0) {
      await this.#recordings.autoRecord(outcome.startedRooms, { recordingEnabled: options.recordingEnabled, enforce: this.#host.config().STREAMHUB_AUTHZ_ENFORCE === "on" });
    }
    return outcome;
  }

  async reconcile(): Promise<number> {
    const changes = await this.#live.reconcile();
    if (changes > 0) await this.#liveChanged();
    return changes;
  }

  /** The active streams pushed as Server-Sent Events while the caller reads: a snapshot now and on every change (live-feed.ts). */
  async liveFeed(options: { withViewers: boolean }): Promise<ReadableStream<Uint8Array>> {
    return this.#feed.subscribe(options);
  }

  /** The Registry's sweep of LiveKit's room list: reconciles soon where this app knows otherwise. */
  async noticeRooms(rooms: string[]): Promise<boolean> {
    // Adopted now, while the name this actor is addressed by is known: an alarm waking it cold may not know it.
    if (!(await this.#initialized())) return false;
    return this.#live.notice(rooms);
  }

  /**
   * LiveKit's webhooks arriving together are applied together, in order, in
   * one turn, so that their writes share one commit (a group commit, as the
   * quota ledger does); each caller is answered once its event is stored.
   */
  #applied(event: LiveKitEvent): Promise<{ duplicate: boolean; startedRooms: string[] }> {
    return new Promise((resolve, reject) => {
      this.#arrived.push({ event, resolve, reject });
      if (this.#arrived.length > 1) return;
      setTimeout(async () => {
        const batch = this.#arrived;
        this.#arrived = [];
        for (const { event: next, resolve: done, reject: fail } of batch) {
          try {
            const outcome = await this.#live.apply(next);
            if (!outcome.duplicate) await this.#analytics.noteEvent(next, Date.now()).catch(analyticsFailed);
            done(outcome);
          } catch (error) {
            fail(error);
          }
        }
        await this.#liveChanged();
      }, 0);
    });
  }

  /** Counts the Worker kept for tokens it minted without calling here. An app deleted meanwhile takes none. */
  async countTokens(counts: Partial<Record<UsageCounter, number>>): Promise<void> {
    if (!(await this.#initialized())) return;
    await this.#usage.add(counts);
  }

  /** Token counts per day for the last `days` days. */
  async tokenUsage(days: number): Promise<{ day: string; metric: UsageCounter; count: number }[]> {
    return this.#usage.daily(days);
  }

  /** What is live now (streams, viewers, recordings, storage, outbox): the stats API reads it. */
  async liveNumbers(): Promise<LiveNumbers> {
    return liveNumbers(this.#db);
  }

  async listStreams(): Promise<StreamRecord[]> {
    return this.#live.streams();
  }

  async getStream(streamId: string): Promise<StreamRecord | null> {
    return this.#live.stream(streamId);
  }

  async activeStreamsIn(room: string): Promise<StreamRecord[]> {
    return this.#live.activeStreamsIn(room);
  }

  async endStream(streamId: string, reason: string): Promise<void> {
    await this.#live.endStream(streamId, reason);
    await this.#liveChanged();
  }

  // ── Ingresses ──────────────────────────────────────────────────────────────

  async addIngress(ingress: Omit<NewIngress, "streamKeySealed"> & { streamKey: string | null }): Promise<IngressView> {
    return this.#ingresses.add(ingress);
  }

  async getIngress(ingressId: string, reveal: boolean): Promise<IngressView | null> {
    return this.#ingresses.get(ingressId, reveal);
  }

  async listIngresses(filter: { room?: string; q?: string }, limit: number, offset: number, reveal: boolean): Promise<{ ingresses: IngressView[]; total: number }> {
    return this.#ingresses.list(filter, limit, offset, reveal);
  }

  async removeIngress(ingressId: string): Promise<boolean> {
    return this.#ingresses.remove(ingressId);
  }

  async validateIngressPassword(ingressId: string, password: string): Promise<boolean | null> {
    return this.#ingresses.validatePassword(ingressId, password);
  }

  async rtspRelays(): Promise<{ ingressId: string; room: string; sourceUrl: string; rtmpUrl: string; status: string }[]> {
    return this.#ingresses.rtspRelays();
  }

  async reportRelay(ingressId: string, report: { status: string; error: string | null; restarts: number }): Promise<boolean> {
    return this.#ingresses.reportRelay(ingressId, report);
  }

  // ── Recordings and live HLS ────────────────────────────────────────────────

  async startRecording(input: RecordingRequest, options: { recordingEnabled: boolean; enforce: boolean }): Promise<StartRecordingResult> {
    return this.#recordings.start(input, options);
  }

  /** Records the room an active stream is live in, in one call: its running recording, or a new one. */
  async recordStream(streamId: string, options: { recordingEnabled: boolean; enforce: boolean }): Promise<StartRecordingResult | StreamNotFound> {
    const stream = await this.#live.stream(streamId);
    if (!stream || stream.status !== "active") return { ok: false, code: "stream_not_found" };
    return this.#recordings.recordRoom(stream.room, options);
  }

  async getVod(id: string): Promise<Vod | null> {
    return this.#recordings.get(id);
  }

  /** Stops a running recording (by VOD or egress id), in one call. */
  async stopRecording(id: string): Promise<StopRecordingResult> {
    return this.#recordings.stop(id);
  }

  /** Stops the recording of the room a stream is in, in one call (vod_not_found: no such stream, or nothing records it). */
  async stopStreamRecording(streamId: string): Promise<StopRecordingResult> {
    const stream = await this.#live.stream(streamId);
    return stream ? this.#recordings.stopRoom(stream.room) : { ok: false, code: "vod_not_found" };
  }

  async listVods(filter: VodFilter, order: "started_at" | "size_bytes" | "id", dir: "asc" | "desc", limit: number, offset: number): Promise<{ vods: Vod[]; total: number }> {
    return this.#recordings.list(filter, order, dir, limit, offset);
  }

  /** The recording whose object is gone from the bucket: its row goes, and its bytes leave the tenant's storage use. */
  async removeVod(id: string): Promise<boolean> {
    const { removed, quota } = await this.#recordings.remove(id);
    await this.#live.settle(quota);
    return removed;
  }

  /** A stream's live HLS as a player finds it: null when there is no such stream. */
  async streamHls(streamId: string, publicBase: string): Promise<StreamHls | null> {
    const stream = await this.#live.stream(streamId);
    if (!stream) return null;
    const current = await this.#recordings.hlsFor(stream.room);
    const active = current?.status === "active";
    return { egressId: current?.egress_id ?? null, active, playlistUrl: active ? await this.#playlistUrl(publicBase, stream.room) : null };
  }

  /** Live HLS of the room an active stream is live in, in one call: its running egress, or a new one. */
  async startStreamHls(streamId: string, publicBase: string): Promise<{ ok: true; hls: StreamHls } | Exclude<StartHlsResult, { ok: true }> | StreamNotFound> {
    const stream = await this.#live.stream(streamId);
    if (!stream || stream.status !== "active") return { ok: false, code: "stream_not_found" };
    const url = await this.#playlistUrl(publicBase, stream.room);
    const started = await this.#recordings.startHls(stream.room, url);
    return started.ok ? { ok: true, hls: { egressId: started.egressId, active: true, playlistUrl: url } } : started;
  }

  /** Stops a stream's live HLS, in one call (nothing running is not an error). */
  async stopStreamHls(streamId: string): Promise<StopHlsResult | StreamNotFound> {
    const stream = await this.#live.stream(streamId);
    if (!stream) return { ok: false, code: "stream_not_found" };
    return this.#recordings.stopHls(stream.room);
  }

  async #playlistUrl(publicBase: string, room: string): Promise<string> {
    return playlistUrl(publicBase, (await this.#requireIdentity()).name, room);
  }

  /** Where a player's request for the room's live HLS is read from, in one call: null unless it is live and the bucket is set. */
  async liveHlsSource(room: string): Promise<{ settings: S3Settings; credentials: S3Credentials } | null> {
    if ((await this.#recordings.hlsFor(room))?.status !== "active") return null;
    return this.#settings.bucket();
  }

  // ── Outbound webhooks ──────────────────────────────────────────────────────

  async createWebhookEndpoint(input: { url: string; events: string[]; enabled: boolean; description: string | null; legacySecret?: string }): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
    return this.#webhooks.create(input);
  }

  async listWebhookEndpoints(): Promise<WebhookEndpointView[]> {
    return this.#webhooks.list();
  }

  async getWebhookEndpoint(id: string): Promise<WebhookEndpointView | null> {
    return this.#webhooks.get(id);
  }

  async updateWebhookEndpoint(id: string, changes: { url?: string; events?: string[]; enabled?: boolean; description?: string | null }): Promise<WebhookEndpointView | null> {
    return this.#webhooks.update(id, changes);
  }

  async deleteWebhookEndpoint(id: string): Promise<boolean> {
    return this.#webhooks.delete(id);
  }

  async syncLegacyCallback(url: string | null, secret: string | null | undefined): Promise<void> {
    await this.#webhooks.syncLegacy(url, secret, () => this.#settings.revealSecret("callbackSecret"));
  }

  async rotateWebhookSecret(id: string, graceSeconds: number): Promise<{ secret: string; previousValidUntil: string } | null> {
    return this.#webhooks.rotateSecret(id, graceSeconds);
  }

  async testWebhookEndpoint(id: string): Promise<string | null> {
    return this.#webhooks.test(id);
  }

  async listDeliveries(endpointId: string, status: DeliveryStatus | undefined, limit: number, offset: number): Promise<{ deliveries: DeliveryView[]; total: number }> {
    return this.#webhooks.deliveries(endpointId, status, limit, offset);
  }

  async getDelivery(endpointId: string, deliveryId: string): Promise<(DeliveryView & { body: string; attemptLog: AttemptView[] }) | null> {
    return this.#webhooks.delivery(endpointId, deliveryId);
  }

  async replayDelivery(endpointId: string, deliveryId: string): Promise<boolean> {
    return this.#webhooks.replay(endpointId, deliveryId);
  }

  /** Attempts every delivery due at `now` (a later time reaches retries); for tests. */
  async deliverDue(now = Date.now()): Promise<number> {
    return this.#webhooks.deliverDue(now);
  }

  /** When a scheduled task is next due (null: not scheduled); for tests and operators. */
  async scheduledAt(task: AppTask): Promise<number | null> {
    return this.#scheduler.dueAt(task);
  }

  // ── Sample pages ───────────────────────────────────────────────────────────

  async listSamples(): Promise<SampleInfo[]> {
    return this.#samples.list();
  }

  /** A sample page; null when there is none (or no app: the public route may get here without the Registry's fresh word). */
  async getSample(name: string): Promise<Sample | null> {
    return (await this.#initialized()) ? this.#samples.get(name) : null;
  }

  async putSample(name: string, content: string): Promise<SampleWrite> {
    return this.#samples.put(name, content);
  }

  async regenerateSamples(): Promise<string[]> {
    return this.#samples.regenerate();
  }

  // ── Quality of experience ──────────────────────────────────────────────────

  /** A player's report on one view, in one write; false (the report dropped) when this is no app. */
  async recordQoe(report: QoeReport): Promise<boolean> {
    if (!(await this.#initialized())) return false;
    await this.#qoe.record(report, new Date().toISOString());
    return true;
  }

  async qoeViews(filter: QoeFilter, limit: number, offset: number): Promise<{ views: QoeView[]; total: number; summary: QoeSummary }> {
    return this.#qoe.views(filter, limit, offset);
  }

  // ── Analytics ──────────────────────────────────────────────────────────────

  /** The app's live numbers over [from, to) (epoch ms), one point per minute or hour. */
  async analyticsSeries(from: number, to: number, resolution: Resolution): Promise<SeriesPoint[]> {
    return this.#analytics.series(from, to, resolution);
  }

  /** A stream's session reports, newest first. */
  async streamSessions(streamId: string, limit: number, offset: number): Promise<{ sessions: SessionReport[]; total: number }> {
    return this.#analytics.sessions(streamId, limit, offset);
  }

  // ── Internals ──────────────────────────────────────────────────────────────

  /** The live state changed: live feeds are told, analytics brought in line (never failing the change itself). */
  async #liveChanged(): Promise<void> {
    this.#feed.changed();
    await this.#analytics.sync(Date.now()).catch(analyticsFailed);
  }

  /** The schedule's daily `retention` task: every log the app keeps is bounded by age (and deliveries by count). */
  async #retention(now: number): Promise<number> {
    const config = this.#host.config();
    await this.#webhooks.prune(new Date(now - config.WEBHOOK_RETENTION_DAYS * DAY_MS).toISOString());
    await this.#settings.pruneAudit(new Date(now - config.LOG_RETENTION_DAYS * DAY_MS).toISOString());
    await this.#usage.prune(new Date(now - 400 * DAY_MS).toISOString().slice(0, 10));
    await this.#live.prune(now);
    await this.#qoe.prune(new Date(now - QOE_RETENTION_DAYS * DAY_MS).toISOString());
    await this.#analytics.prune(now);
    return now + DAY_MS;
  }

  async #reset(): Promise<void> {
    await this.ctx.storage.deleteAll();
    this.#identity = null;
    this.#analytics.forget();
    // deleteAll also dropped the schema; this instance keeps serving, so restore it
    // (with nothing scheduled: a wiped app has no work until it is created again).
    await migrate(this.#db, appMigrations);
    await this.#scheduler.clear();
  }

  /**
   * Whether this actor is an app: one the Registry has (its identity stored
   * here, or adopted at this first use), not wiped since.
   */
  async #initialized(): Promise<boolean> {
    this.#identity ??= await this.#stored();
    this.#identity ??= await (this.#adoption ??= this.#adopt().finally(() => (this.#adoption = null)));
    return this.#identity !== null;
  }

  /**
   * The identity this database holds. One written before identities carried
   * the app's id is checked against the Registry once: a database older than
   * the app of its name is a deleted app's that was never wiped, and goes.
   */
  async #stored(): Promise<AppIdentity | null> {
    const stored = await this.#settings.get<AppIdentity>("identity");
    if (stored === null || stored.appId !== undefined || this.ctx.id.name === undefined) return stored;
    const record = await registry(this.env).getApp(this.ctx.id.name);
    const initializedAt = (await this.#settings.get<string>("initialized_at")) ?? "";
    if (record === null) return null;
    if (record.createdAt > initializedAt) {
      await this.wipe();
      return null;
    }
    const identity = { ...stored, appId: record.id };
    await this.#settings.put("identity", identity);
    return identity;
  }

  /**
   * An app's database comes into being at its first use, not when the app is
   * created (a create is one Registry write, and an app never used costs no
   * database): the actor learns who it is from the Registry, by the name it
   * is addressed by. One adoption at a time; callers arriving meanwhile share it.
   */
  async #adopt(): Promise<AppIdentity | null> {
    const name = this.ctx.id.name;
    const record = name === undefined ? null : await registry(this.env).getApp(name);
    if (record === null) return null;
    // A create that reused a deleted app's name wiped this database first (the create route): it starts empty.
    const identity: AppIdentity = { name: record.name, roomPrefix: record.livekitRoomPrefix, tenantId: record.tenantId ?? "platform", appId: record.id };
    await this.#settings.initialize(identity, new Date().toISOString());
    await this.#scheduler.at("retention", Date.now() + DAY_MS);
    return identity;
  }

  async #requireIdentity(): Promise<AppIdentity> {
    if (!(await this.#initialized())) throw new Error("app actor used before init");
    return this.#identity!;
  }

  #secretKey(): Promise<SecretBoxKey> {
    return secretBoxKey(this.#host.config().STREAMHUB_SECRET_KEY);
  }
}
