import { sendReport } from "../adaptor/beacon.ts";
import type { PlaybackPath } from "./types.ts";

const REPORT_EVERY_MS = 30_000;
const MAX_ERRORS = 10;
/** What StreamHub accepts for a time to first frame (10 min); watch and rebuffer times up to 12 h here (within its 30 days). */
const MAX_MS = 600_000;

/**
 * Quality of experience of one view, reported to the app
 * (`POST /api/v1/apps/{app}/qoe`): time to first frame, time spent
 * rebuffering, the path that played, error codes. Nothing about the viewer:
 * the view id is random and lives as long as the page. Reports go every 30 s
 * while the view lasts and once more when the page goes away, by
 * `sendBeacon` so that the last one survives the page closing.
 */
export class QoeReport {
  readonly #url: string;
  readonly #room: string;
  readonly #viewId = crypto.randomUUID().replaceAll("-", "");
  /** From here to the first frame: the view's start, or the moment the stream it waited for arrived. */
  #clockFrom = performance.now();
  #path: PlaybackPath = "none";
  #firstFrameMs: number | null = null;
  #rebufferMs = 0;
  #rebufferCount = 0;
  #stalledSince: number | null = null;
  #playingSince: number | null = null;
  #watchedMs = 0;
  readonly #errors: string[] = [];
  #timer: ReturnType<typeof setInterval> | null = null;
  #sent = false;
  /** Ends every listener this view added (the <video> outlives views). */
  readonly #listening = new AbortController();

  constructor(apiBase: string, app: string, room: string) {
    this.#url = `${apiBase}/api/v1/apps/${encodeURIComponent(app)}/qoe`;
    this.#room = room;
    addEventListener("pagehide", () => this.send(true), { signal: this.#listening.signal });
  }

  /** Follows a <video>: its first frame, its stalls and how long it plays. */
  watch(video: HTMLVideoElement, path: PlaybackPath): void {
    this.#path = path;
    const signal = this.#listening.signal;
    video.addEventListener("playing", () => {
      const now = performance.now();
      this.#firstFrameMs ??= Math.min(MAX_MS, Math.round(now - this.#clockFrom));
      if (this.#stalledSince !== null) this.#rebufferMs += now - this.#stalledSince;
      this.#stalledSince = null;
      this.#playingSince ??= now;
      this.#timer ??= setInterval(() => this.send(false), REPORT_EVERY_MS);
    }, { signal });
    video.addEventListener("waiting", () => {
      // Only a stall after playing began is a rebuffer; before it, it is start-up.
      if (this.#firstFrameMs === null || this.#stalledSince !== null) return;
      this.#stalledSince = performance.now();
      this.#rebufferCount++;
      this.#pause();
    }, { signal });
    video.addEventListener("pause", () => this.#pause(), { signal });
  }

  /** The stream the view waited for is there now: time to first frame counts from here, not from the wait. */
  streamArrived(): void {
    if (this.#firstFrameMs === null) this.#clockFrom = performance.now();
  }

  /** Nothing is on screen (waiting, reconnecting, ended): watch time stops. */
  paused(): void {
    this.#pause();
  }

  error(code: string): void {
    if (this.#errors.length < MAX_ERRORS && !this.#errors.includes(code)) this.#errors.push(code);
  }

  /** The playback is over (ended, or the element left the page). */
  finish(): void {
    this.#pause();
    this.send(true);
    this.#listening.abort();
    if (this.#timer) clearInterval(this.#timer);
  }

  send(final: boolean): void {
    if (this.#sent) return;
    // A view that never got a path (it failed at once, or was replaced before starting) says nothing worth keeping.
    if (this.#path === "none" && this.#errors.length === 0) return;
    if (final) {
      this.#sent = true;
      if (this.#timer) clearInterval(this.#timer);
    }
    const watched = this.#watchedMs + (this.#playingSince === null ? 0 : performance.now() - this.#playingSince);
    sendReport(this.#url, {
      viewId: this.#viewId,
      room: this.#room,
      path: this.#path,
      firstFrameMs: this.#firstFrameMs,
      rebufferMs: Math.min(MAX_MS * 72, Math.round(this.#rebufferMs)),
      rebufferCount: this.#rebufferCount,
      watchedMs: Math.min(MAX_MS * 72, Math.round(watched)),
      errors: this.#errors,
      final,
    });
  }

  #pause(): void {
    if (this.#playingSince === null) return;
    this.#watchedMs += performance.now() - this.#playingSince;
    this.#playingSince = null;
  }
}
