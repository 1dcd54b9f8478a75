import { playHls } from "./hls.ts";
import { announce, type PlayerEventName } from "./messages.ts";
import { QoeReport } from "./qoe.ts";
import { TokenError, viewerToken } from "./token.ts";
import type { Playback, PlaybackEvents, PlaybackPath, PlayerOptions, PlayerState } from "./types.ts";
import { playWebRtc } from "./webrtc.ts";

const MESSAGES: Record<PlayerState, string> = {
  loading: "Connecting…",
  waiting: "Waiting for the stream to start",
  live: "",
  reconnecting: "Reconnecting…",
  ended: "The stream has ended",
  "not-allowed": "This stream is not public, or its token was refused. Ask its owner for a viewer token of your own.",
  error: "This stream cannot be played here",
};

const STYLE = `
:host { display: block; position: relative; background: #000; color: #fff; aspect-ratio: 16 / 9; font: 15px/1.4 system-ui, sans-serif; --streamhub-primary: #1d4ed8; }
video { width: 100%; height: 100%; display: block; object-fit: contain; background: #000; }
.overlay { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; text-align: center; padding: 1.5em; pointer-events: none; background: rgba(0,0,0,.55); }
.overlay[hidden] { display: none; }
.unmute { position: absolute; left: .75em; bottom: .75em; border: 0; border-radius: .4em; padding: .5em .9em; font: inherit; color: #fff; background: var(--streamhub-primary); cursor: pointer; }
.unmute[hidden] { display: none; }
.unmute:focus-visible { outline: 2px solid #fff; outline-offset: 2px; }
`;

const flag = (element: HTMLElement, name: string) => element.hasAttribute(name) && element.getAttribute(name) !== "false" && element.getAttribute(name) !== "0";

/**
 * `<streamhub-player app="…" room="…">`: a live stream of a StreamHub app,
 * WebRTC first (a public play token, or the `token` given) and live HLS when
 * WebRTC cannot connect or `play-order="hls"`. Muted autoplay with an unmute
 * button; clear states (see MESSAGES); `ready`, `playing`, `paused`, `ended`,
 * `error` and `statechange` as DOM events on the element and as `postMessage`
 * to the embedding page; a quality-of-experience report per view.
 *
 * Attributes: app, room, token, ws-url, api-base, play-order (`webrtc,hls` |
 * `hls`), autoplay, muted, controls, loop, poster, primary-color.
 */
export class StreamHubPlayer extends HTMLElement {
  readonly #video: HTMLVideoElement;
  readonly #overlay: HTMLElement;
  readonly #unmute: HTMLButtonElement;
  #state: PlayerState = "loading";
  #playback: Playback | null = null;
  #qoe: QoeReport | null = null;
  #run = 0;
  #started = false;
  #restarting = false;
  /** Muted until the viewer unmutes (or the page asked for sound). */
  #muted = true;

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    root.innerHTML = `<style>${STYLE}</style><video playsinline part="video"></video><div class="overlay" part="overlay" role="status" aria-live="polite"></div><button class="unmute" part="unmute" hidden>Unmute</button>`;
    this.#video = root.querySelector("video")!;
    this.#overlay = root.querySelector(".overlay")!;
    this.#unmute = root.querySelector(".unmute")!;
    this.#unmute.addEventListener("click", () => this.unmute());
    this.#video.addEventListener("playing", () => {
      // A mark a page (or a test) can read: when the first frame was on screen.
      if (performance.getEntriesByName("streamhub:playing").length === 0) performance.mark("streamhub:playing");
      this.#setState("live");
      this.#emit("playing");
    });
    this.#video.addEventListener("pause", () => {
      if (this.#state === "live") this.#emit("paused");
    });
    this.#video.addEventListener("volumechange", () => (this.#unmute.hidden = !this.#video.muted));
    // Autoplay with sound where the page asked for it; where the browser forbids that, muted (the unmute button shows).
    this.#video.addEventListener("canplay", () => {
      if (!this.#video.autoplay || !this.#video.paused) return;
      this.#video.play().catch(() => {
        this.#muted = true;
        this.#video.muted = true;
        void this.#video.play().catch(() => undefined);
      });
    });
  }

  /** Where the view is. */
  get state(): PlayerState {
    return this.#state;
  }

  /** How it is played: "webrtc", "hls", or "none" before either started. */
  get path(): PlaybackPath {
    return this.#playback?.path ?? "none";
  }

  /** The <video> inside (for a page that wants its frames or its statistics). */
  get video(): HTMLVideoElement {
    return this.#video;
  }

  unmute(): void {
    this.#muted = false;
    this.#video.muted = false;
    void this.#video.play().catch(() => undefined);
  }

  static get observedAttributes(): string[] {
    return ["app", "room", "token", "ws-url", "api-base", "play-order"];
  }

  connectedCallback(): void {
    this.#started = true;
    void this.#start();
  }

  /**
   * A page that points the player elsewhere (another room, a token) gets a new
   * view — one, after all the attributes it sets together have changed.
   */
  attributeChangedCallback(_name: string, before: string | null, after: string | null): void {
    // Attributes present when the element is upgraded arrive here before connectedCallback: not a change.
    if (!this.#started || before === after || this.#restarting) return;
    this.#restarting = true;
    queueMicrotask(() => {
      this.#restarting = false;
      if (!this.#started) return;
      this.#end();
      void this.#start();
    });
  }

  disconnectedCallback(): void {
    this.#started = false;
    this.#end();
  }

  #end(): void {
    this.#run++;
    void this.#playback?.stop();
    this.#playback = null;
    this.#qoe?.finish();
  }

  #options(): PlayerOptions {
    const order = (this.getAttribute("play-order") ?? "webrtc,hls")
      .split(",")
      .map((p) => p.trim())
      .filter((p): p is "webrtc" | "hls" => p === "webrtc" || p === "hls");
    return {
      app: this.getAttribute("app") ?? "",
      room: this.getAttribute("room") ?? "",
      apiBase: (this.getAttribute("api-base") ?? location.origin).replace(/\/$/, ""),
      token: this.getAttribute("token"),
      wsUrl: this.getAttribute("ws-url"),
      playOrder: order.length > 0 ? order : ["webrtc", "hls"],
      autoplay: flag(this, "autoplay"),
      muted: flag(this, "muted"),
      webrtcTimeoutMs: Number(this.getAttribute("webrtc-timeout")) || 10_000,
    };
  }

  async #start(): Promise<void> {
    const run = ++this.#run;
    const options = this.#options();
    const video = this.#video;
    video.controls = flag(this, "controls");
    video.loop = flag(this, "loop");
    // Browsers let a muted video play by itself; sound needs a click (the unmute button).
    this.#muted = options.muted;
    video.muted = options.muted;
    video.autoplay = options.autoplay;
    const poster = this.getAttribute("poster");
    if (poster && /^https?:\/\//.test(poster)) video.poster = poster;
    const color = this.getAttribute("primary-color");
    if (color && /^#[0-9a-fA-F]{3,8}$|^[a-z]{3,20}$/.test(color)) this.style.setProperty("--streamhub-primary", color);
    this.#qoe = new QoeReport(options.apiBase, options.app, options.room);
    this.#setState("loading");
    this.#emit("ready");

    const events: PlaybackEvents = {
      state: (state, detail) => run === this.#run && this.#setState(state, detail),
      // From waiting to loading restarts the QoE clock (see #setState): time to first frame counts from the arrival.
      arrived: () => run === this.#run && this.#state === "waiting" && this.#setState("loading"),
    };
    for (const path of options.playOrder) {
      try {
        const playback =
          path === "webrtc"
            ? await playWebRtc(video, await viewerToken(options), events, { timeoutMs: options.webrtcTimeoutMs, muted: () => this.#muted })
            : await playHls(video, this.#hlsUrl(options), events);
        if (run !== this.#run) return void playback.stop();
        this.#playback = playback;
        this.#qoe.watch(video, path);
        if (!options.autoplay) video.pause();
        return;
      } catch (error) {
        if (run !== this.#run) return;
        if (error instanceof TokenError && error.kind === "not-allowed") {
          this.#qoe.error("not_allowed");
          return this.#setState("not-allowed", error.message);
        }
        this.#qoe.error(`${path}_failed`);
        // When this path was given up on: how long the next one takes to play is measured from here.
        performance.mark(`streamhub:${path}-failed`);
      }
    }
    this.#setState("error", "neither WebRTC nor HLS could play this stream");
  }

  #hlsUrl(options: PlayerOptions): string {
    const url = `${options.apiBase}/hls/${encodeURIComponent(options.app)}/${encodeURIComponent(options.room)}/index.m3u8`;
    return options.token ? `${url}?token=${encodeURIComponent(options.token)}` : url;
  }

  #setState(state: PlayerState, detail?: string): void {
    if (state === this.#state && state !== "error") return;
    if (this.#state === "waiting") this.#qoe?.streamArrived();
    if (state !== "live") this.#qoe?.paused();
    this.#state = state;
    this.#overlay.textContent = MESSAGES[state];
    this.#overlay.hidden = state === "live";
    this.#unmute.hidden = state !== "live" || !this.#video.muted;
    this.setAttribute("state", state);
    this.#emit("statechange", detail);
    if (state === "ended") {
      this.#emit("ended");
      this.#qoe?.send(false);
    }
    if (state === "error" || state === "not-allowed") {
      this.#emit("error", detail);
      this.#qoe?.finish();
    }
  }

  #emit(event: PlayerEventName, detail?: string): void {
    const options = this.#options();
    announce(this, { event, app: options.app, room: options.room, state: this.#state, path: this.path, ...(detail ? { detail } : {}) });
  }
}
