// The real LiveKit server, built from the Go module pinned in
// selfhost/livekit/go.mod (test/e2e/global-setup.ts builds it once), started
// on loopback with free ports exactly as `npm start` starts its local one.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findLiveKitBinary, startLocalLiveKit, type LocalLiveKit } from "../../selfhost/local-livekit.ts";
import { freePort, freeUdpPort } from "./harness.ts";

export interface RealLiveKit extends LocalLiveKit {
  apiKey: string;
  apiSecret: string;
  /** Its log lines (warnings and errors), for failure messages. */
  output: () => string;
  close(): Promise<void>;
}

/** A LiveKit server posting its webhooks to `webhookUrl` (a URL nothing listens on: no webhooks at all). */
export async function startRealLiveKit(options: { webhookUrl: string; apiKey?: string; apiSecret?: string; redisAddress?: string }): Promise<RealLiveKit> {
  const binary = findLiveKitBinary({ build: false });
  if (binary.path === null) throw new Error(`the real LiveKit server is not available (${binary.reason}); test/e2e/global-setup.ts builds it`);
  const dir = mkdtempSync(join(tmpdir(), "streamhub-livekit-"));
  const apiKey = options.apiKey ?? "APIe2ereal";
  const apiSecret = options.apiSecret ?? "e2e-real-livekit-secret-0123456789abcdef";
  let output = "";
  const ports = { http: await freePort(), rtcUdp: await freeUdpPort() };
  const livekit = await startLocalLiveKit({ binary: binary.path, dir, apiKey, apiSecret, ports, webhookUrl: options.webhookUrl, redisAddress: options.redisAddress, onOutput: (line) => (output += `${line}\n`) });
  return {
    ...livekit,
    apiKey,
    apiSecret,
    output: () => output,
    close: async () => {
      await livekit.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
