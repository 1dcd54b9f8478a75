// Builds the Worker once for every end-to-end test, exactly as `npm start`
// does: `wrangler deploy --dry-run --outdir dist/worker`. This is also the
// check that the same bundle still builds for Cloudflare.
import { buildWorker } from "../../selfhost/build.ts";

export default function setup() {
  buildWorker({ quiet: true });
}
