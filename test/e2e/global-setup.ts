// Builds, once for every end-to-end test: the Worker, the browser SDK and the dashboard,
// exactly as `npm start` does (`wrangler deploy --dry-run --outdir dist/worker`, which is also the
// check that the same bundle still builds for Cloudflare); and the real
// LiveKit server from the Go module pinned in selfhost/livekit/go.mod (reused
// from .cache/livekit when already built).
import { buildSdk } from "../../selfhost/build-sdk.ts";
import { buildWeb, webIsCurrent } from "../../selfhost/build-web.ts";
import { buildWorker } from "../../selfhost/build.ts";
import { findLiveKitBinary } from "../../selfhost/local-livekit.ts";

export default async function setup() {
  buildWorker({ quiet: true });
  await buildSdk();
  if (!webIsCurrent()) await buildWeb({ quiet: true });
  const livekit = findLiveKitBinary({ build: true });
  if (livekit.path === null) throw new Error(`the end-to-end tests need the real LiveKit server: ${livekit.reason}`);
}
