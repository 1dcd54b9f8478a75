// Whether the LiveKit server answers: health and /metrics both report it.
import { log } from "../../core/log.ts";
import { hostOf, transportFailure } from "../../core/transport.ts";

// The probe is cached so that a public endpoint cannot be used to make the node hammer LiveKit.
const LIVEKIT_PROBE_TTL_MS = 5_000;
const LIVEKIT_PROBE_TIMEOUT_MS = 1_500;
type Probe = { reachable: boolean; reason: string | null; checkedAt: number };
let livekitProbe: (Probe & { url: string }) | undefined;
// The probe under way, if any: when it started, not its promise. A request never waits on a
// promise another request started: workerd ties the probe's fetch to the request that made it,
// and if that request is cancelled (a load balancer giving up, a client closing its
// connection) the fetch never settles, and every request waiting on it would hang into a 500.
let probing: { url: string; since: number } | undefined;

/**
 * Whether LiveKit answers, at most one probe per 5 s whatever the traffic:
 * while one is under way, the others get the last answer (at most one probe's
 * time older). Only before the first answer does each request probe for
 * itself. The reason names no address: the health route is public. The
 * address goes to the log, once each time reachability changes, while LiveKit
 * is configured (a node run for its API alone is not warned about every start).
 */
export async function livekitReachable(livekitUrl: string, configured: boolean): Promise<Probe> {
  const now = Date.now();
  const known = livekitProbe?.url === livekitUrl ? livekitProbe : undefined;
  if (known && now - known.checkedAt < LIVEKIT_PROBE_TTL_MS) return known;
  // A probe that outlived its timeout belongs to a request that was cancelled: it no longer counts.
  const underWay = probing?.url === livekitUrl && now - probing.since < LIVEKIT_PROBE_TIMEOUT_MS + 1_000;
  if (known && underWay) return known;
  const mine = { url: livekitUrl, since: now };
  probing = mine;
  try {
    return await probeLiveKit(livekitUrl, configured);
  } finally {
    if (probing === mine) probing = undefined;
  }
}

async function probeLiveKit(livekitUrl: string, configured: boolean): Promise<Probe> {
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
  if (configured && (!livekitProbe || livekitProbe.url !== livekitUrl || livekitProbe.reachable !== reachable)) {
    log(reachable ? "info" : "warn", reachable ? "LiveKit answers" : "LiveKit does not answer", { livekit: hostOf(livekitUrl), ...(reason ? { reason } : {}) });
  }
  livekitProbe = { url: livekitUrl, reachable, reason, checkedAt };
  return livekitProbe;
}
