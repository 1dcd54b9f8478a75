// A page like an integrator's, on another origin than StreamHub (its own
// loopback port), that loads the adaptor with a <script> tag from StreamHub's
// /sdk/ — so the SDK's CORS and the token endpoint's CORS are both on the
// path. The page records what the adaptor reports, what it asks StreamHub
// for, and the video frames its <video> elements present; tests build
// adaptors in it with page.evaluate, as a page's own script would.
import { createServer, type Server } from "node:http";
import type { Browser, Page } from "playwright-core";

export interface PageEvent {
  info: string;
  obj: any;
}

export interface PageError {
  code: string;
  message: string;
  detail: any;
}

export interface PageRecord {
  events: PageEvent[];
  errors: PageError[];
  /** Every fetch() of the page: the token requests, and nothing else expected. */
  requests: { url: string; method: string; body: any }[];
  /** Frames presented so far by the #local and #remote video elements (requestVideoFrameCallback). */
  presented: { local: number; remote: number };
}

const page = (streamhub: string) => `<!doctype html>
<meta charset="utf-8">
<title>streamhub-adaptor test page</title>
<video id="local" autoplay muted playsinline width="320" height="240"></video>
<video id="remote" autoplay muted playsinline width="320" height="240"></video>
<script>
// Recorded before the SDK loads, so that every request it makes is seen.
window.record = { events: [], errors: [], requests: [], presented: { local: 0, remote: 0 } };
const plain = (value) => {
  try {
    return JSON.parse(JSON.stringify(value ?? null, (key, v) => (v instanceof MediaStreamTrack || v instanceof MediaStream || v instanceof Node ? "[" + v.constructor.name + "]" : v)));
  } catch {
    return String(value);
  }
};
window.onEvent = (info, obj) => window.record.events.push({ info, obj: plain(obj) });
window.onError = (code, message, detail) => window.record.errors.push({ code, message: String(message), detail: plain(detail) });
const pageFetch = window.fetch.bind(window);
window.fetch = (input, init) => {
  let body = init?.body ?? null;
  try { body = JSON.parse(body); } catch {}
  window.record.requests.push({ url: String(input instanceof Request ? input.url : input), method: init?.method ?? "GET", body });
  return pageFetch(input, init);
};
for (const id of ["local", "remote"]) {
  const video = document.getElementById(id);
  const presented = () => {
    window.record.presented[id]++;
    video.requestVideoFrameCallback(presented);
  };
  video.requestVideoFrameCallback(presented);
}
</script>
<script src="${streamhub}/sdk/streamhub-adaptor.global.js"></script>`;

export interface SdkPageServer {
  url: string;
  /** The page's origin, for StreamHub's CORS_ALLOWED_ORIGINS. */
  origin: string;
  close(): Promise<void>;
}

/** Serves the page on 127.0.0.1 (a secure context: getUserMedia works), loading the SDK from `streamhub`. */
export async function startSdkPageServer(streamhub: string): Promise<SdkPageServer> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end(page(streamhub));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const origin = `http://127.0.0.1:${port}`;
  return { url: `${origin}/`, origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A new page in its own browser context (its own devices), with the SDK loaded. */
export async function openSdkPage(browser: Browser, server: SdkPageServer): Promise<Page> {
  const context = await browser.newContext();
  const opened = await context.newPage();
  await opened.goto(server.url);
  if (!(await opened.evaluate(() => typeof (globalThis as any).webrtc_adaptor?.WebRTCAdaptor === "function"))) {
    throw new Error("the page did not get webrtc_adaptor.WebRTCAdaptor from StreamHub's /sdk/streamhub-adaptor.global.js");
  }
  return opened;
}

export const pageRecord = (on: Page) => on.evaluate(() => (globalThis as any).record as PageRecord);
