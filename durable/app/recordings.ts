import { randomBytes, toBase64Url } from "../../core/crypto/encoding.ts";
import { classifyLiveKitError, egressUpload, liveKitGone, livekitClients, namespacedRoom, type LiveKitEvent, type LiveKitRefusal } from "../../core/livekit.ts";
import { describeError, log } from "../../core/log.ts";
import { keyUnder } from "../../core/s3.ts";
import { hlsFolder, PLAYLIST } from "../../core/hls.ts";
import { SingleFlight } from "../lib/single-flight.ts";
import type { AppHost } from "./host.ts";
import { monthlyMetric, type QuotaAction } from "./livekit-events.ts";
import type { Settings } from "./settings.ts";
import { HlsRepository, type HlsRow } from "./hls.repo.ts";
import { VodsRepository, type Vod, type VodFilter, type VodStatus } from "./vods.repo.ts";

/** The resolution of the egress preset (H264_720P_30 below): egress results do not report one. */
const PRESET = { width: 1280, height: 720 };
/** How long a started recording holds a minute of the monthly quota; its real minutes are counted when it ends. */
const RECORDING_HOLD_MS = 6 * 3600_000;

export interface RecordingRequest {
  roomName: string;
  streamId?: string;
  mode?: "room-composite" | "participant";
  layout?: string;
}

export type StartRecordingResult =
  | { ok: true; vod: Vod; overLimit: { metric: string; limit: number; used: number } | null }
  | { ok: false; code: "recording_disabled" | "s3_not_configured" }
  | { ok: false; code: "quota_exceeded"; metric: "maxStorageGb" | "maxRecordingMinutesMonth"; limit: number; used: number }
  | LiveKitRefusal;

export type StopRecordingResult =
  | { ok: true; vodId: string; egressId: string }
  | { ok: false; code: "vod_not_found" }
  | { ok: false; code: "recording_ended"; status: VodStatus }
  | LiveKitRefusal;

export type StartHlsResult = { ok: true; egressId: string } | { ok: false; code: "s3_not_configured" } | LiveKitRefusal;

/** What stopping a room's live HLS came to: its egress (null: none was running), or LiveKit's refusal. */
export type StopHlsResult = { ok: true; egressId: string | null } | LiveKitRefusal;

/**
 * Recordings and live HLS. Recording uses LiveKit egress, which uploads an MP4
 * (H.264/AAC, 720p) straight to the app's own bucket; egress webhooks then
 * move the VOD to ready or failed (livekit-events.ts). Started here, by the
 * recording routes and by auto-record when a stream starts.
 */
export class Recordings {
  readonly #host: AppHost;
  readonly #settings: Settings;
  readonly vods: VodsRepository;
  readonly hls: HlsRepository;
  /** A room's recording or live HLS being started: a second start meanwhile waits for it, and gets it. */
  readonly #roomRecordings = new SingleFlight<StartRecordingResult>();
  readonly #roomHls = new SingleFlight<StartHlsResult>();

  constructor(host: AppHost, settings: Settings) {
    this.#host = host;
    this.#settings = settings;
    this.vods = new VodsRepository(host.db);
    this.hls = new HlsRepository(host.db);
  }

  /**
   * Starts a recording of a room (composite) or one participant: checks the
   * app's switch, its bucket and the tenant's storage and monthly-minutes
   * quotas, starts the egress, and records the VOD.
   */
  async start(input: RecordingRequest, options: { recordingEnabled: boolean; enforce: boolean }): Promise<StartRecordingResult> {
    if (!options.recordingEnabled) return { ok: false, code: "recording_disabled" };
    const identity = await this.#host.identity();
    const bucket = await this.#settings.bucket();
    if (!bucket) return { ok: false, code: "s3_not_configured" };
    const lk = livekitClients(this.#host.config());
    if (!lk) return { ok: false, code: "livekit_not_configured" };
    const ledger = this.#host.ledger(identity.tenantId);
    const nowIso = () => new Date().toISOString();

    // Recordings that already fill the storage quota stop new ones (when quotas are enforced for this caller).
    if (options.enforce) {
      const storageLimit = await ledger.limitOf(identity.tenantId, "maxStorageGb");
      const storedBytes = (await ledger.usage()).storageBytes?.committed ?? 0;
      if (storageLimit !== -1 && storedBytes >= storageLimit * 1e9) {
        const usedGb = Math.round((storedBytes / 1e9) * 1000) / 1000;
        await this.#host.events.record("quota.exceeded", { tenantId: identity.tenantId, metric: "maxStorageGb", limit: storageLimit, used: usedGb, denied: true }, nowIso());
        return { ok: false, code: "quota_exceeded", metric: "maxStorageGb", limit: storageLimit, used: usedGb };
      }
    }
    const minutes = await ledger.reserve({
      metric: monthlyMetric("maxRecordingMinutesMonth"),
      quota: "maxRecordingMinutesMonth",
      tenantId: identity.tenantId,
      amount: 1,
      enforce: options.enforce,
      holdMs: RECORDING_HOLD_MS,
    });
    const minutesData = { tenantId: identity.tenantId, metric: "maxRecordingMinutesMonth", limit: minutes.limit, used: minutes.used };
    if (!minutes.ok) {
      await this.#host.events.record("quota.exceeded", { ...minutesData, denied: true }, nowIso());
      return { ok: false, code: "quota_exceeded", metric: "maxRecordingMinutesMonth", limit: minutes.limit, used: minutes.used };
    }
    const overLimit = minutes.overLimit ? { metric: "maxRecordingMinutesMonth", limit: minutes.limit, used: minutes.used } : null;
    if (overLimit) await this.#host.events.record("quota.exceeded", { ...minutesData, denied: false }, nowIso());
    else await this.#settings.warnQuotaOnce({ ...minutesData, used: minutes.used + 1 });

    const room = namespacedRoom(identity.roomPrefix, input.roomName);
    const participant = input.streamId?.slice(input.streamId.lastIndexOf("/") + 1);
    const mode = input.mode ?? (input.streamId ? "participant" : "room-composite");
    const vodId = `vod_${toBase64Url(randomBytes(9))}`;
    const fileKey = keyUnder(bucket.settings.prefix, "vods", room, `${vodId}.mp4`);
    const preset = "H264_720P_30";
    const file = { fileType: "MP4" as const, filepath: fileKey, s3: egressUpload(bucket.settings, bucket.credentials) };

    let egress;
    try {
      egress =
        mode === "participant" && participant
          ? await lk.egress.startParticipantEgress(room, participant, { file }, { preset })
          : await lk.egress.startRoomCompositeEgress(room, { file }, { layout: input.layout ?? "grid", preset });
    } catch (error) {
      await ledger.release(minutes.reservationId);
      return this.#liveKitFailed(error, `record room "${room}"`);
    }
    const startedAt = nowIso();
    await this.vods.insert({ id: vodId, egressId: egress.egressId, room, streamId: input.streamId ?? null, mode, fileKey, width: PRESET.width, height: PRESET.height, startedAt, reservationId: minutes.reservationId });
    await this.#host.events.record("recording_started", { vodId, egressId: egress.egressId, room, streamId: input.streamId ?? null, mode }, startedAt);
    return { ok: true, vod: (await this.get(vodId))!, overLimit };
  }

  /**
   * The room's running recording, or a new one of the whole room: what "record
   * this stream" and auto-record ask for. However many ask at once, one starts.
   */
  async recordRoom(room: string, options: { recordingEnabled: boolean; enforce: boolean }): Promise<StartRecordingResult> {
    return this.#roomRecordings.run(room, async () => {
      const running = await this.vods.activeForRoom(room);
      if (running) return { ok: true, vod: running, overLimit: null };
      return this.start({ roomName: room }, options);
    });
  }

  /** Auto-record: every room where a stream just started gets a recording, unless one runs already. */
  async autoRecord(rooms: string[], options: { recordingEnabled: boolean; enforce: boolean }): Promise<void> {
    const identity = await this.#host.identity();
    for (const room of rooms) {
      const started = await this.recordRoom(room, options);
      // LiveKit must still get its 200: a refused auto-record (quota, no bucket) is logged, not retried.
      if (!started.ok) log("warn", "auto-record did not start", { app: identity.name, room, code: started.code });
    }
  }

  /** By VOD id or egress id. */
  async get(id: string): Promise<Vod | null> {
    const vod = await this.vods.find(id);
    if (!vod) return null;
    const { reservationId: _, ...shown } = vod;
    return shown;
  }

  async list(filter: VodFilter, order: "started_at" | "size_bytes" | "id", dir: "asc" | "desc", limit: number, offset: number): Promise<{ vods: Vod[]; total: number }> {
    return this.vods.list(filter, order, dir, limit, offset);
  }

  /**
   * Stops a running recording (by VOD or egress id); egress webhooks then move
   * the VOD to ready or failed. A stop that crosses another finds LiveKit's
   * egress already ending, which is what it wanted.
   */
  async stop(id: string): Promise<StopRecordingResult> {
    const vod = await this.vods.find(id);
    if (!vod) return { ok: false, code: "vod_not_found" };
    if (vod.status !== "recording") return { ok: false, code: "recording_ended", status: vod.status };
    return this.#stopRunning(vod);
  }

  /** Stops the room's running recording (vod_not_found: none runs). */
  async stopRoom(room: string): Promise<StopRecordingResult> {
    const running = await this.vods.activeForRoom(room);
    return running ? this.#stopRunning(running) : { ok: false, code: "vod_not_found" };
  }

  async #stopRunning(vod: Vod): Promise<StopRecordingResult> {
    const refused = await this.#stopEgress(vod.egressId, `stop recording ${vod.egressId}`);
    if (refused) return refused;
    await this.vods.setStatus(vod.id, "uploading");
    return { ok: true, vodId: vod.id, egressId: vod.egressId };
  }

  /**
   * What LiveKit reported of an egress: a live HLS egress that ended stops its
   * room's HLS; a recording moves along — ENDING → uploading; ended COMPLETE →
   * ready with the file's size and duration (its minutes counted against the
   * tenant's monthly quota, its bytes against storage); FAILED or ABORTED →
   * failed. Returns what the tenant's quota ledger must be told.
   */
  async egressChanged(egress: NonNullable<LiveKitEvent["egress"]>, event: string, now: string): Promise<QuotaAction[]> {
    if (event === "egress_ended" && (await this.hls.stop({ egressId: egress.egressId }, now))) {
      await this.#host.events.record("hls_stopped", { room: egress.roomName, egressId: egress.egressId }, now);
    }
    const vod = await this.vods.find(egress.egressId);
    if (!vod || vod.status === "ready" || vod.status === "failed") return [];
    if (event !== "egress_ended") {
      if (egress.status === "EGRESS_ENDING") await this.vods.setStatus(vod.id, "uploading");
      return [];
    }
    const actions: QuotaAction[] = vod.reservationId ? [{ kind: "release", reservationId: vod.reservationId }] : [];
    const base = { vodId: vod.id, egressId: vod.egressId, room: vod.room, streamId: vod.streamId };
    if (egress.status === "EGRESS_COMPLETE" && egress.file) {
      const { sizeBytes, durationS } = egress.file;
      await this.vods.finish(vod.id, { status: "ready", sizeBytes, durationS, error: null }, now);
      actions.push({ kind: "adjust", metric: monthlyMetric("maxRecordingMinutesMonth"), delta: Math.max(1, Math.ceil(durationS / 60)) });
      actions.push({ kind: "adjust", metric: "storageBytes", delta: sizeBytes });
      await this.#host.events.record("vod_ready", { ...base, fileKey: vod.fileKey, sizeBytes, durationS, width: vod.width, height: vod.height, format: vod.format }, now);
    } else {
      const reason = egress.status === "EGRESS_ABORTED" ? "aborted" : "failed";
      await this.vods.finish(vod.id, { status: "failed", sizeBytes: null, durationS: null, error: egress.error || reason }, now);
      await this.#host.events.record("recording_failed", { ...base, reason, detail: egress.error || null }, now);
    }
    return actions;
  }

  /** The recording whose object is gone from the bucket: its row goes; returns the quota its bytes give back. */
  async remove(id: string): Promise<{ removed: boolean; quota: QuotaAction[] }> {
    const vod = await this.vods.find(id);
    if (!vod || !(await this.vods.delete(vod.id))) return { removed: false, quota: [] };
    await this.#host.events.record("vod_deleted", { vodId: vod.id, room: vod.room, fileKey: vod.fileKey }, new Date().toISOString());
    return { removed: true, quota: vod.status === "ready" && vod.sizeBytes ? [{ kind: "adjust", metric: "storageBytes", delta: -vod.sizeBytes }] : [] };
  }

  // ── Live HLS ───────────────────────────────────────────────────────────────

  async hlsFor(room: string): Promise<HlsRow | null> {
    return this.hls.forRoom(room);
  }

  /**
   * The room's live HLS: its running egress, or a new one — a LiveKit segment
   * egress writing 2 s segments and the playlist into the app's bucket.
   * However many ask at once, one starts.
   */
  async startHls(room: string, playlistUrl: string): Promise<StartHlsResult> {
    return this.#roomHls.run(room, async () => {
      const current = await this.hls.forRoom(room);
      if (current?.status === "active") return { ok: true, egressId: current.egress_id };
      const bucket = await this.#settings.bucket();
      if (!bucket) return { ok: false, code: "s3_not_configured" };
      const lk = livekitClients(this.#host.config());
      if (!lk) return { ok: false, code: "livekit_not_configured" };
      const folder = hlsFolder(bucket.settings.prefix, room);
      const segments = { protocol: "HLS_PROTOCOL" as const, filenamePrefix: keyUnder(folder, "seg"), playlistName: PLAYLIST, segmentDuration: 2, s3: egressUpload(bucket.settings, bucket.credentials) };
      let egress;
      try {
        egress = await lk.egress.startRoomCompositeEgress(room, { segments }, { preset: "H264_720P_30" });
      } catch (error) {
        return this.#liveKitFailed(error, `start HLS for room "${room}"`);
      }
      const now = new Date().toISOString();
      await this.hls.start(room, egress.egressId, keyUnder(folder, PLAYLIST), now);
      await this.#host.events.record("hls_started", { room, egressId: egress.egressId, playlistUrl }, now);
      return { ok: true, egressId: egress.egressId };
    });
  }

  /** Stops the room's live HLS (an egress LiveKit no longer knows counts as stopped). */
  async stopHls(room: string): Promise<StopHlsResult> {
    const current = await this.hls.forRoom(room);
    if (current?.status !== "active") return { ok: true, egressId: current?.egress_id ?? null };
    const refused = await this.#stopEgress(current.egress_id, `stop HLS for room "${room}"`);
    if (refused) return refused;
    // Recorded once, however many stops cross (the row changes once).
    const now = new Date().toISOString();
    if (await this.hls.stop({ egressId: current.egress_id }, now)) await this.#host.events.record("hls_stopped", { room, egressId: current.egress_id }, now);
    return { ok: true, egressId: current.egress_id };
  }

  /** Stops an egress (null: done); one LiveKit no longer runs, or no longer knows, counts as stopped. */
  async #stopEgress(egressId: string, what: string): Promise<LiveKitRefusal | null> {
    const lk = livekitClients(this.#host.config());
    if (!lk) return { ok: false, code: "livekit_not_configured" };
    try {
      await lk.egress.stopEgress(egressId);
      return null;
    } catch (error) {
      return liveKitGone(error, { stoppedEgress: true }) ? null : this.#liveKitFailed(error, what);
    }
  }

  /** LiveKit refused or failed to `what`: logged with its cause, and answered as a value. */
  async #liveKitFailed(error: unknown, what: string): Promise<LiveKitRefusal> {
    log("error", `LiveKit failed to ${what}`, { app: (await this.#host.identity()).name, ...describeError(error) });
    return { ok: false, code: "livekit_failed", failure: classifyLiveKitError(error) };
  }
}
