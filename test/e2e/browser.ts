// Debian's Chromium, driven by playwright-core, with a fake camera and
// microphone; and a page on loopback (a secure context, so getUserMedia works)
// that loads livekit-client from npm and exposes what the tests do with it:
// publish, watch (timing the first decoded frame), count decoded frames, leave.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { chromium, type Browser, type Page } from "playwright-core";

const require = createRequire(import.meta.url);
// The package's `require` entry is its UMD build, which defines the global LivekitClient.
const CLIENT = readFileSync(require.resolve("livekit-client"));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** `extraArgs`: more command-line switches (say, resolving a test domain to loopback through Caddy). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--use-fake-device-for-media-stream",
      "--use-fake-ui-for-media-stream",
      "--autoplay-policy=no-user-gesture-required",
      ...extraArgs,
    ],
  });
}

// The page's API, on window. Every call resolves with plain data, so tests read results with page.evaluate.
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>StreamHub media test page</title>
<script src="/livekit-client.js"></script>
<script>
const { Room, RoomEvent, Track } = LivekitClient;
window.events = [];
window.room = null;

function track(room) {
  window.room = room;
  room.on(RoomEvent.Disconnected, (reason) => window.events.push({ type: "disconnected", reason }));
  room.on(RoomEvent.ParticipantConnected, (p) => window.events.push({ type: "participant_connected", identity: p.identity }));
}

window.publish = async (url, token) => {
  const room = new Room();
  track(room);
  await room.connect(url, token);
  await room.localParticipant.enableCameraAndMicrophone();
  return { identity: room.localParticipant.identity, room: room.name };
};

// Joins and waits for the first video frame decoded and presented: milliseconds from connect() to it.
window.watch = (url, token, timeoutMs) => new Promise((resolve, reject) => {
  const room = new Room();
  track(room);
  const started = performance.now();
  const timer = setTimeout(() => reject(new Error("no video frame within " + timeoutMs + " ms; events: " + JSON.stringify(window.events))), timeoutMs);
  room.on(RoomEvent.TrackSubscribed, (remote) => {
    if (remote.kind !== Track.Kind.Video) return;
    const video = remote.attach();
    video.muted = true;
    document.body.append(video);
    video.requestVideoFrameCallback(() => {
      clearTimeout(timer);
      resolve({ firstFrameMs: performance.now() - started, identity: room.localParticipant.identity });
    });
  });
  room.connect(url, token).catch((error) => {
    clearTimeout(timer);
    reject(error);
  });
});

// Frames the receiving side has decoded so far, summed over its video tracks (RTCRtpReceiver statistics).
window.framesDecoded = async () => {
  let frames = 0;
  for (const participant of window.room.remoteParticipants.values()) {
    for (const publication of participant.trackPublications.values()) {
      const receiver = publication.track?.receiver;
      if (!receiver || publication.kind !== Track.Kind.Video) continue;
      for (const stat of (await receiver.getStats()).values()) if (stat.type === "inbound-rtp") frames += stat.framesDecoded ?? 0;
    }
  }
  return frames;
};

window.leave = async () => {
  await window.room?.disconnect();
};
</script>`;

export interface PageServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the test page and livekit-client on 127.0.0.1, on a free port. */
export async function startPageServer(): Promise<PageServer> {
  const server: Server = createServer((req, res) => {
    if (req.url === "/livekit-client.js") {
      res.writeHead(200, { "Content-Type": "text/javascript" });
      return res.end(CLIENT);
    }
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A new page (its own browser context: its own devices and storage) on the test page. */
export async function openPage(browser: Browser, pages: PageServer): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(pages.url);
  return page;
}
