// Quality of experience of what the adaptor plays, reported like the player's
// (POST /api/v1/apps/{app}/qoe, a beacon): per play() of a stream, the time
// from play() to its media arriving (play_started), how long it played, and
// errors. Only where the adaptor knows StreamHub and the app — streamhubApiUrl
// or an Ant Media-style websocket_url, and the app's name — and not when the
// page says `qoe: false`. Nothing about the viewer is sent.
import { sendReport } from "./beacon.ts";
import { appOf } from "./token.ts";
import type { StreamHubAdaptorConfig } from "./types.ts";

const REPORT_EVERY_MS = 60_000;

interface View {
  viewId: string;
  requestedAt: number;
  firstFrameMs: number | null;
  playingSince: number | null;
  watchedMs: number;
  errors: string[];
}

/** Where the reports go, or null when the adaptor cannot tell. */
export function qoeUrlOf(config: StreamHubAdaptorConfig): string | null {
  if (config.qoe === false) return null;
  const app = config.appName || appOf(config.websocket_url);
  if (!app) return null;
  let api = config.streamhubApiUrl?.replace(/\/+$/, "") ?? null;
  if (!api && config.websocket_url) {
    try {
      api = `${new URL(config.websocket_url).origin.replace(/^ws/, "http")}/api/v1`;
    } catch {
      return null;
    }
  }
  return api ? `${api}/apps/${encodeURIComponent(app)}/qoe` : null;
}

export class PlayQuality {
  readonly #url: string;
  readonly #views = new Map<string, View>();
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(url: string) {
    this.#url = url;
    addEventListener("pagehide", () => {
      for (const streamId of [...this.#views.keys()]) this.finished(streamId);
    });
  }

  requested(streamId: string): void {
    if (this.#views.has(streamId)) return;
    this.#views.set(streamId, { viewId: crypto.randomUUID().replaceAll("-", ""), requestedAt: performance.now(), firstFrameMs: null, playingSince: null, watchedMs: 0, errors: [] });
  }

  started(streamId: string): void {
    const view = this.#views.get(streamId);
    if (!view) return;
    const now = performance.now();
    view.firstFrameMs ??= Math.round(now - view.requestedAt);
    view.playingSince ??= now;
    this.#send(streamId, view, false);
    this.#timer ??= setInterval(() => this.#views.forEach((v, id) => this.#send(id, v, false)), REPORT_EVERY_MS);
  }

  error(streamId: string, code: string): void {
    const view = this.#views.get(streamId);
    if (view && view.errors.length < 10 && !view.errors.includes(code)) view.errors.push(code);
  }

  /** The view is over (play_finished, stop, or the page going away): its last report. */
  finished(streamId: string): void {
    const view = this.#views.get(streamId);
    if (!view) return;
    this.#views.delete(streamId);
    this.#send(streamId, view, true);
    if (this.#views.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  #send(streamId: string, view: View, final: boolean): void {
    const now = performance.now();
    if (final && view.playingSince !== null) {
      view.watchedMs += now - view.playingSince;
      view.playingSince = null;
    }
    const watched = view.watchedMs + (view.playingSince === null ? 0 : now - view.playingSince);
    sendReport(this.#url, {
      viewId: view.viewId,
      room: streamId,
      path: view.firstFrameMs === null ? "none" : "webrtc",
      firstFrameMs: view.firstFrameMs,
      rebufferMs: 0,
      rebufferCount: 0,
      watchedMs: Math.round(watched),
      errors: view.errors,
      final,
    });
  }
}
