// Whether the LiveKit server answers: health and /metrics both report it.
import { log } from "../../core/log.ts";
import { hostOf, transportFailure } from "../../core/transport.ts";
import { SharedAnswer } from "./shared-answer.ts";

// The probe is cached so that a public endpoint cannot be used to make the node hammer LiveKit.
const LIVEKIT_PROBE_TTL_MS = 5_000;
const LIVEKIT_PROBE_TIMEOUT_MS = 1_500;
type Probe = { reachable: boolean; reason: string | null; checkedAt: number };
// One per LiveKit URL (there is one, from the settings; tests use several).
const probes = new Map<string, SharedAnswer<Probe>>();

/**
 * Whether LiveKit answers, at most one probe per 5 s whatever the traffic:
 * while one is under way, the others get the last answer (see SharedAnswer).
 * The reason names no address: the health route is public. The address goes
 * to the log, once each time reachability changes, while LiveKit is
 * configured (a node run for its API alone is not warned about every start).
 */
export function livekitReachable(livekitUrl: string, configured: boolean): Promise<Probe> {
  let shared = probes.get(livekitUrl);
  if (!shared) probes.set(livekitUrl, (shared = new SharedAnswer<Probe>(LIVEKIT_PROBE_TTL_MS, LIVEKIT_PROBE_TIMEOUT_MS + 1_000)));
  const last = shared.last;
  return shared.get(() => probeLiveKit(livekitUrl, configured, last));
}

async function probeLiveKit(livekitUrl: string, configured: boolean, last: Probe | undefined): Promise<Probe> {
  const checkedAt = Date.now();
  let reason: string | null = null;
  try {
    // livekit-server answers plain HTTP on its signalling port.
    const response = await fetch(livekitUrl.replace(/^ws/, "http"), { signal: AbortSignal.timeout(LIVEKIT_PROBE_TIMEOUT_MS) });
    if (!response.ok) reason = `the configured LiveKit (LIVEKIT_URL) answers HTTP ${response.status}`;
    await response.body?.cancel();
  } catch (error) {
    reason = `the configured LiveKit (LIVEKIT_URL) does not answer (${transportFailure(error)})`;
  }
  const reachable = reason === null;
  if (configured && last?.reachable !== reachable) {
    log(reachable ? "info" : "warn", reachable ? "LiveKit answers" : "LiveKit does not answer", { livekit: hostOf(livekitUrl), ...(reason ? { reason } : {}) });
  }
  return { reachable, reason, checkedAt };
}
