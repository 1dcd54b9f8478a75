import type { StreamHealth, StreamHealthReason } from "../../core/events.ts";
import type { LiveKitEvent } from "../../core/livekit.ts";
import { AnalyticsRepository, HOUR_MS, MINUTE_MS, type LiveNumbers, type SeriesRow, type SessionRow } from "./analytics.repo.ts";
import type { AppHost } from "./host.ts";
import type { StreamRecord } from "./live.repo.ts";
import type { QoeFilter, QoeSummary } from "./qoe.ts";

export { HOUR_MS, MINUTE_MS } from "./analytics.repo.ts";

const DAY_MS = 86_400_000;
/** How long each resolution is kept (the daily retention task). */
export const MINUTES_KEEP_MS = 7 * DAY_MS;
export const HOURS_KEEP_MS = 90 * DAY_MS;
export const SESSIONS_KEEP_MS = 90 * DAY_MS;

/**
 * When viewers' playback makes a live stream `degraded`: over the views of
 * its session so far (at least QOE_MIN_VIEWS of them), more than this share
 * of time rebuffering, or more than this share of views that never played.
 */
export const QOE_MIN_VIEWS = 3;
export const QOE_REBUFFER_RATIO = 0.05;
export const QOE_FAILED_SHARE = 0.5;

export type Resolution = "minute" | "hour";

export interface SeriesPoint extends LiveNumbers {
  /** The bucket's start, ISO 8601. */
  ts: string;
}

/** The QoE figures of the views that overlapped a session (players' reports, durable/app/qoe.ts). */
export interface SessionQoe {
  views: number;
  medianFirstFrameMs: number | null;
  p95FirstFrameMs: number | null;
  rebufferRatio: number | null;
  /** Views that played over HLS (the player's fallback from WebRTC). */
  hlsFallbacks: number;
  /** Views that never played. */
  failed: number;
}

export interface SessionReport {
  id: number;
  streamId: string;
  room: string;
  type: string;
  status: "live" | "ended";
  startedAt: string;
  endedAt: string | null;
  endReason: string | null;
  durationS: number;
  peakViewers: number;
  avgViewers: number;
  uniqueViewers: number;
  watchMinutes: number;
  ingestKbps: number | null;
  health: StreamHealth;
  qoe: SessionQoe;
}

/** What analytics reads of the live state (durable/app/live.ts). */
export interface LiveView {
  snapshot(): Promise<{ streams: StreamRecord[]; viewersByRoom: Map<string, number>; publishers: number }>;
  viewersIn(room: string): Promise<string[]>;
  isViewer(room: string, identity: string): Promise<boolean>;
  stream(streamId: string): Promise<StreamRecord | null>;
}

const INGRESS_STALL: Record<string, StreamHealthReason | null> = {
  ENDPOINT_BUFFERING: "ingress_buffering",
  ENDPOINT_ERROR: "ingress_error",
  ENDPOINT_PUBLISHING: null,
};

const minuteOf = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
const hourOf = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;

/**
 * Analytics: the app's live numbers as a time series (each minute's peaks,
 * kept 7 days, rolled up hourly and kept 90 days), a report per stream
 * session (viewers, watch time, the players' QoE), and the stream's health.
 *
 * What it costs: the live state tells it of every change (`sync`, in the
 * turn that made the change, so its session updates share that turn's
 * commit); the minute's peaks are held in memory and written by the
 * `analytics` task of the one alarm, once a minute while anything is live,
 * or at once when the last stream ends, after which no task is left. A
 * restart loses at most the peaks of the minute under way (the current
 * numbers stand in for it).
 */
export class Analytics {
  readonly #host: AppHost;
  readonly #repo: AnalyticsRepository;
  readonly #live: LiveView;
  readonly #qoe: (filter: QoeFilter) => Promise<QoeSummary>;
  /** Peaks of minutes not written yet, by minute. */
  readonly #pending = new Map<number, LiveNumbers>();
  /** Participants whose joining (or ceasing to publish) may have made them a viewer, checked at the next sync. */
  readonly #touched = new Map<string, { room: string; identity: string }>();

  constructor(host: AppHost, live: LiveView, qoe: (filter: QoeFilter) => Promise<QoeSummary>) {
    this.#host = host;
    this.#repo = new AnalyticsRepository(host.db);
    this.#live = live;
    this.#qoe = qoe;
  }

  /**
   * What only analytics reads of a LiveKit event applied to the live state:
   * viewers who may be new, and an ingress's bitrate and state — the one
   * report LiveKit makes of a live stream that stopped sending (a WebRTC
   * publisher that stops is dropped by LiveKit, which ends its stream).
   */
  async noteEvent(event: LiveKitEvent, now: number): Promise<void> {
    const participant = event.participant;
    const room = event.room?.name ?? event.ingress?.roomName ?? "";
    if (participant && !participant.uncounted && (event.event === "participant_joined" || event.event === "track_unpublished")) {
      this.#touched.set(`${room}\n${participant.identity}`, { room, identity: participant.identity });
    }
    if (event.ingress && (event.event === "ingress_started" || event.event === "ingress_updated")) {
      const session = await this.#repo.openSessionOf(`${event.ingress.roomName}/${event.ingress.participantIdentity}`);
      if (session) {
        await this.#repo.setIngest(session.id, event.ingress.bitrateKbps);
        const stall = INGRESS_STALL[event.ingress.status];
        if (stall !== undefined) await this.#stall(session, stall, now);
      }
    }
  }

  /**
   * The live state changed (or may have): sessions opened and closed as
   * streams started and ended, viewer figures moved, the minute's peaks
   * raised, and the `analytics` task asked for at the next minute — or, with
   * nothing live any more, the minute written now and the task dropped.
   */
  async sync(now: number): Promise<void> {
    const numbers = await this.#refresh(now);
    this.#raise(minuteOf(now), numbers);
    if (numbers.streams > 0) {
      await this.#host.scheduler.at("analytics", minuteOf(now) + MINUTE_MS);
    } else {
      await this.#flush(Infinity, now);
      await this.#host.scheduler.cancel("analytics");
    }
  }

  /** The schedule's `analytics` task: the minutes gone by written, complete hours rolled up, the streams' health checked. */
  async runScheduled(now: number): Promise<number | null> {
    const minute = minuteOf(now);
    const numbers = await this.#refresh(now);
    // Nothing held for the minute just gone (the actor restarted): what is live now stood for it.
    if (numbers.streams > 0 && ![...this.#pending.keys()].some((pending) => pending < minute)) this.#raise(minute - MINUTE_MS, numbers);
    this.#raise(minute, numbers);
    await this.#flush(minute, now);
    for (const session of await this.#repo.openSessions()) await this.#checkHealth(session, now);
    if (numbers.streams > 0) return minute + MINUTE_MS;
    await this.#flush(Infinity, now);
    return null;
  }

  /** The series in [from, to) at `resolution`, one point per bucket (zeros where nothing was live). */
  async series(from: number, to: number, resolution: Resolution): Promise<SeriesPoint[]> {
    const step = resolution === "minute" ? MINUTE_MS : HOUR_MS;
    const start = Math.floor(from / step) * step;
    const rows = resolution === "minute" ? await this.#repo.minutes(start, to) : await this.#repo.hours(start, to);
    const buckets = new Map<number, LiveNumbers>(rows.map((row) => [row.ts, numbersOf(row)]));
    // The minutes held, not written yet, count too.
    for (const [minute, held] of this.#pending) {
      const bucket = Math.floor(minute / step) * step;
      if (bucket < start || bucket >= to) continue;
      const known = buckets.get(bucket);
      buckets.set(bucket, known ? peaks(known, held) : held);
    }
    const points: SeriesPoint[] = [];
    for (let ts = start; ts < to; ts += step) points.push({ ts: new Date(ts).toISOString(), ...(buckets.get(ts) ?? { streams: 0, viewers: 0, publishers: 0, ingestKbps: null }) });
    return points;
  }

  /** A stream's sessions, newest first, each with its report (a live one so far). */
  async sessions(streamId: string, limit: number, offset: number, now = Date.now()): Promise<{ sessions: SessionReport[]; total: number }> {
    const rows = await this.#repo.sessionsOf(streamId, limit, offset);
    const prefix = (await this.#host.identity()).roomPrefix;
    const sessions: SessionReport[] = [];
    for (const row of rows) sessions.push(await this.#report(row, prefix, now));
    return { sessions, total: await this.#repo.countSessionsOf(streamId) };
  }

  /** Retention: complete hours rolled up first, then minutes past 7 days, hours and ended sessions past 90. */
  async prune(now: number): Promise<number> {
    await this.#repo.rollUpBefore(hourOf(now));
    return this.#repo.prune(now - MINUTES_KEEP_MS, now - HOURS_KEEP_MS, new Date(now - SESSIONS_KEEP_MS).toISOString());
  }

  /** The app's database was wiped: nothing held for it may be written into the next app of its name. */
  forget(): void {
    this.#pending.clear();
    this.#touched.clear();
  }

  // ── Internals ──────────────────────────────────────────────────────────────

  /** Sessions brought in line with the live streams and their rooms' viewers; returns the app's live numbers. */
  async #refresh(now: number): Promise<LiveNumbers> {
    const { streams, viewersByRoom, publishers } = await this.#live.snapshot();
    const open = new Map((await this.#repo.openSessions()).map((session) => [session.stream_id, session]));
    const live = new Set(streams.map((stream) => stream.streamId));
    const nowIso = new Date(now).toISOString();
    for (const [streamId, session] of open) {
      if (live.has(streamId)) continue;
      // Closed at the time of the change that ended it (the clock the watch time is integrated on).
      await this.#repo.closeSession(session.id, nowIso, (await this.#live.stream(streamId))?.endReason ?? null, now);
    }
    const ingest: number[] = [];
    const touchedRooms = new Set([...this.#touched.values()].map((touched) => touched.room));
    for (const stream of streams) {
      const viewers = viewersByRoom.get(stream.room) ?? 0;
      const session = open.get(stream.streamId);
      if (!session) {
        const id = await this.#repo.openSession({ ...stream, viewers }, now);
        await this.#repo.addViewers(id, await this.#live.viewersIn(stream.room));
        continue;
      }
      if (session.viewers_now !== viewers) {
        await this.#repo.moveViewers(session.id, viewers, now);
        // More viewers, and no webhook said who (reconciliation found them): whoever is watching now.
        if (viewers > session.viewers_now && !touchedRooms.has(stream.room)) await this.#repo.addViewers(session.id, await this.#live.viewersIn(stream.room));
      }
      if (session.ingest_kbps !== null) ingest.push(session.ingest_kbps);
    }
    for (const { room, identity } of this.#touched.values()) {
      if (streams.some((stream) => stream.room === room) && (await this.#live.isViewer(room, identity))) await this.#repo.addViewer(room, identity);
    }
    this.#touched.clear();

    const rooms = new Set(streams.map((stream) => stream.room));
    return {
      streams: streams.length,
      viewers: [...rooms].reduce((sum, room) => sum + (viewersByRoom.get(room) ?? 0), 0),
      publishers,
      ingestKbps: ingest.length === 0 ? null : ingest.reduce((sum, kbps) => sum + kbps, 0),
    };
  }

  #raise(minute: number, numbers: LiveNumbers): void {
    const held = this.#pending.get(minute);
    this.#pending.set(minute, held ? peaks(held, numbers) : numbers);
  }

  /** Writes the minutes held from before `before`, and rolls up the hours complete at `now` (in the same turn: one commit). */
  async #flush(before: number, now: number): Promise<void> {
    let wrote = false;
    for (const [minute, numbers] of [...this.#pending].sort(([a], [b]) => a - b)) {
      if (minute >= before) continue;
      this.#pending.delete(minute);
      if (numbers.streams === 0 && numbers.viewers === 0 && numbers.publishers === 0) continue;
      await this.#repo.writeMinute(minute, numbers);
      wrote = true;
    }
    if (wrote && (await this.#repo.unrolledBefore(hourOf(now)))) await this.#repo.rollUpBefore(hourOf(now));
  }

  async #stall(session: SessionRow, reason: StreamHealthReason | null, now: number): Promise<void> {
    if (session.stalled_reason === reason) return;
    await this.#repo.setStalled(session.id, reason);
    await this.#checkHealth({ ...session, stalled_reason: reason }, now);
  }

  /** Records `stream.health_changed` when the session's health is no longer what it was. */
  async #checkHealth(session: SessionRow, now: number): Promise<void> {
    let health: StreamHealth = "healthy";
    let reason: StreamHealthReason = "recovered";
    if (session.stalled_reason !== null) {
      health = "stalled";
      reason = session.stalled_reason as StreamHealthReason;
    } else {
      const qoe = await this.#qoe(this.#viewsOf(session, (await this.#host.identity()).roomPrefix));
      const failedShare = qoe.views === 0 ? 0 : qoe.byPath.none / qoe.views;
      if (qoe.views >= QOE_MIN_VIEWS && failedShare > QOE_FAILED_SHARE) {
        health = "degraded";
        reason = "viewers_failing";
      } else if (qoe.views >= QOE_MIN_VIEWS && (qoe.rebufferRatio ?? 0) > QOE_REBUFFER_RATIO) {
        health = "degraded";
        reason = "viewers_rebuffering";
      }
    }
    if (health === session.health) return;
    await this.#repo.setHealth(session.id, health);
    await this.#host.events.record(
      "stream.health_changed",
      { streamId: session.stream_id, room: session.room, type: session.type, participant: session.participant, ingressId: session.ingress_id, health, previous: session.health, reason },
      new Date(now).toISOString(),
    );
  }

  /** The players' views that overlapped the session: of its room (as viewers name it), started before it ended, reported on after it started. */
  #viewsOf(session: SessionRow, prefix: string): QoeFilter {
    const room = session.room.startsWith(`${prefix}-`) ? session.room.slice(prefix.length + 1) : session.room;
    return { room, updatedSince: session.started_at, ...(session.ended_at ? { until: session.ended_at } : {}) };
  }

  async #report(row: SessionRow, prefix: string, now: number): Promise<SessionReport> {
    const started = Date.parse(row.started_at);
    const ended = row.ended_at ? Date.parse(row.ended_at) : now;
    const viewerMs = row.viewer_ms + (row.ended_at ? 0 : row.viewers_now * Math.max(0, now - row.changed_at));
    const durationMs = Math.max(0, ended - started);
    const qoe = await this.#qoe(this.#viewsOf(row, prefix));
    return {
      id: row.id,
      streamId: row.stream_id,
      room: row.room,
      type: row.type,
      status: row.ended_at ? "ended" : "live",
      startedAt: row.started_at,
      endedAt: row.ended_at,
      endReason: row.end_reason,
      durationS: Math.round(durationMs / 1000),
      peakViewers: row.peak_viewers,
      avgViewers: durationMs === 0 ? 0 : round2(viewerMs / durationMs),
      uniqueViewers: row.unique_viewers,
      watchMinutes: round2(viewerMs / MINUTE_MS),
      ingestKbps: row.ingest_kbps,
      health: row.health,
      qoe: {
        views: qoe.views,
        medianFirstFrameMs: qoe.medianFirstFrameMs,
        p95FirstFrameMs: qoe.p95FirstFrameMs,
        rebufferRatio: qoe.rebufferRatio === null ? null : Math.round(qoe.rebufferRatio * 10_000) / 10_000,
        hlsFallbacks: qoe.byPath.hls,
        failed: qoe.byPath.none,
      },
    };
  }
}

const round2 = (value: number) => Math.round(value * 100) / 100;

const numbersOf = (row: SeriesRow): LiveNumbers => ({ streams: row.streams, viewers: row.viewers, publishers: row.publishers, ingestKbps: row.ingest_kbps });

function peaks(a: LiveNumbers, b: LiveNumbers): LiveNumbers {
  return {
    streams: Math.max(a.streams, b.streams),
    viewers: Math.max(a.viewers, b.viewers),
    publishers: Math.max(a.publishers, b.publishers),
    ingestKbps: a.ingestKbps === null ? b.ingestKbps : b.ingestKbps === null ? a.ingestKbps : Math.max(a.ingestKbps, b.ingestKbps),
  };
}
