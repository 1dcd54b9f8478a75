// What every media test runs on: the real LiveKit server, a StreamHub node
// wired to it both ways (its API, its webhooks), the test page server and
// Chromium — started together, stopped together.
import type { Browser } from "playwright-core";
import { launchChromium, startPageServer, type PageServer } from "./browser.ts";
import { removeDataDir, reservePort, startStreamHub, type RunningStreamHub } from "./harness.ts";
import { startRealLiveKit, type RealLiveKit } from "./real-livekit.ts";

export interface MediaStack {
  livekit: RealLiveKit;
  node: RunningStreamHub;
  pages: PageServer;
  browser: Browser;
  /** Both servers' last log lines, for a failure message. */
  logs(): string;
  close(): Promise<void>;
}

export async function startMediaStack(env: Record<string, string>): Promise<MediaStack> {
  // The node's port goes into LiveKit's settings: held while LiveKit starts (seconds, and LiveKit
  // opens ports of its own meanwhile), let go just before the node binds it.
  const reserved = await reservePort();
  const port = reserved.port;
  const livekit = await startRealLiveKit({ webhookUrl: `http://127.0.0.1:${port}/api/v1/webhooks/livekit` }).finally(reserved.release);
  const node = await startStreamHub({ port, env: { ...env, LIVEKIT_URL: livekit.url, LIVEKIT_API_KEY: livekit.apiKey, LIVEKIT_API_SECRET: livekit.apiSecret } });
  const pages = await startPageServer();
  const browser = await launchChromium();
  return {
    livekit,
    node,
    pages,
    browser,
    logs: () => `LiveKit said:\n${livekit.output().slice(-1500)}\nStreamHub said:\n${node.output().slice(-1500)}`,
    close: async () => {
      await browser.close();
      await pages.close();
      await node.stop();
      removeDataDir(node.dataDir);
      await livekit.close();
    },
  };
}
