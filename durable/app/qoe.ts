import type { AppHost } from "./host.ts";
import { QoeRepository, type QoeFilter, type QoeViewRow } from "./qoe.repo.ts";

export type { QoeFilter } from "./qoe.repo.ts";

/** How long views are kept (the daily retention task), and how many at most, the newest. */
export const QOE_RETENTION_DAYS = 90;
export const QOE_VIEWS_KEEP = 500_000;

/** How a view played: over WebRTC, over HLS, or not at all. */
export type PlaybackPath = "webrtc" | "hls" | "none";

/** What a player reports about one view (validated by the Worker). */
export interface QoeReport {
  viewId: string;
  /** The room as the viewer asked for it, without the app's prefix. */
  room: string;
  path: PlaybackPath;
  firstFrameMs: number | null;
  rebufferMs: number;
  rebufferCount: number;
  watchedMs: number;
  errors: string[];
  final: boolean;
}

export interface QoeView extends QoeReport {
  startedAt: string;
  updatedAt: string;
}

export interface QoeSummary {
  views: number;
  medianFirstFrameMs: number | null;
  p95FirstFrameMs: number | null;
  /** Time spent rebuffering over time spent watching or rebuffering; null with neither. */
  rebufferRatio: number | null;
  byPath: Record<PlaybackPath, number>;
}

/**
 * Quality of experience: what players report about each view (time to first
 * frame, rebuffering, the path taken, errors), one row a view that later
 * reports of the same view update. A report is one statement; the summary is
 * computed in SQL over the views asked for.
 */
export class Qoe {
  readonly #repo: QoeRepository;

  constructor(host: AppHost) {
    this.#repo = new QoeRepository(host.db);
  }

  async record(report: QoeReport, now: string): Promise<void> {
    await this.#repo.upsert(
      {
        view_id: report.viewId,
        room: report.room,
        path: report.path,
        first_frame_ms: report.firstFrameMs === null ? null : Math.round(report.firstFrameMs),
        rebuffer_ms: Math.round(report.rebufferMs),
        rebuffer_count: report.rebufferCount,
        watched_ms: Math.round(report.watchedMs),
        errors_json: JSON.stringify(report.errors),
        final: report.final ? 1 : 0,
      },
      now,
    );
  }

  async views(filter: QoeFilter, limit: number, offset: number): Promise<{ views: QoeView[]; total: number; summary: QoeSummary }> {
    // Compared as stored: ISO 8601 in UTC.
    const where = { ...filter, since: filter.since === undefined ? undefined : new Date(filter.since).toISOString() };
    const totals = await this.#repo.totals(where);
    // Nearest rank: the smallest time that at least p of the timed views reached.
    const percentile = (p: number) => (totals.timed === 0 ? null : this.#repo.firstFrameAtRank(where, Math.ceil(p * totals.timed) - 1));
    const played = totals.watched_ms + totals.rebuffer_ms;
    return {
      views: (await this.#repo.list(where, limit, offset)).map(viewOf),
      total: totals.views,
      summary: {
        views: totals.views,
        medianFirstFrameMs: await percentile(0.5),
        p95FirstFrameMs: await percentile(0.95),
        rebufferRatio: played === 0 ? null : totals.rebuffer_ms / played,
        byPath: { webrtc: totals.webrtc, hls: totals.hls, none: totals.none },
      },
    };
  }

  /** Retention: views started before `before` go, and beyond the newest QOE_VIEWS_KEEP. */
  async prune(before: string): Promise<number> {
    return this.#repo.prune(before, QOE_VIEWS_KEEP);
  }
}

const viewOf = (row: QoeViewRow): QoeView => ({
  viewId: row.view_id,
  room: row.room,
  path: row.path,
  firstFrameMs: row.first_frame_ms,
  rebufferMs: row.rebuffer_ms,
  rebufferCount: row.rebuffer_count,
  watchedMs: row.watched_ms,
  errors: JSON.parse(row.errors_json) as string[],
  final: row.final === 1,
  startedAt: row.started_at,
  updatedAt: row.updated_at,
});
