import type { Playback, PlaybackEvents } from "./types.ts";

/** How long to wait before asking again for a playlist that is not there yet. */
const RETRY_MS = 3_000;

/**
 * Plays the room's live HLS (`/hls/{app}/{room}/index.m3u8`, written to the
 * app's bucket by LiveKit egress) in the given <video>: natively where the
 * browser plays HLS, else with hls.js — loaded only now, so a page that plays
 * over WebRTC never downloads it. A playlist that is not there yet means the
 * stream has not started: "waiting", and it is asked for again.
 */
export async function playHls(video: HTMLVideoElement, url: string, events: PlaybackEvents): Promise<Playback> {
  if (video.canPlayType("application/vnd.apple.mpegurl")) return playNatively(video, url, events);
  const { default: Hls } = await import("hls.js");
  if (!Hls.isSupported()) throw new Error("this browser can play neither WebRTC nor HLS");
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const listening = new AbortController();
  let hls = new Hls({ liveDurationInfinity: true });
  const start = () => {
    hls.loadSource(url);
    hls.attachMedia(video);
    hls.on(Hls.Events.MANIFEST_PARSED, () => events.arrived());
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal || stopped) return;
      hls.destroy();
      const missing = data.details === Hls.ErrorDetails.MANIFEST_LOAD_ERROR && data.response?.code === 404;
      events.state(missing ? "waiting" : "reconnecting", data.details);
      hls = new Hls({ liveDurationInfinity: true });
      retry = setTimeout(start, RETRY_MS);
    });
  };
  start();
  video.addEventListener("ended", () => events.state("ended"), { signal: listening.signal });
  return {
    path: "hls",
    stop: async () => {
      stopped = true;
      clearTimeout(retry);
      listening.abort();
      hls.destroy();
    },
  };
}

function playNatively(video: HTMLVideoElement, url: string, events: PlaybackEvents): Playback {
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const listening = new AbortController();
  const onError = () => {
    if (stopped) return;
    events.state("waiting", "no live HLS yet");
    retry = setTimeout(() => {
      video.src = url;
    }, RETRY_MS);
  };
  video.addEventListener("error", onError, { signal: listening.signal });
  video.addEventListener("loadedmetadata", () => events.arrived(), { signal: listening.signal });
  video.addEventListener("ended", () => events.state("ended"), { signal: listening.signal });
  video.src = url;
  return {
    path: "hls",
    stop: async () => {
      stopped = true;
      clearTimeout(retry);
      listening.abort();
      video.removeAttribute("src");
      video.load();
    },
  };
}
