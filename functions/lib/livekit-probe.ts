// Whether the LiveKit server answers: health and /metrics both report it.
import { log } from "../../core/log.ts";
import { hostOf, transportFailure } from "../../core/transport.ts";

// The probe is cached so that a public endpoint cannot be used to make the node hammer LiveKit.
const LIVEKIT_PROBE_TTL_MS = 5_000;
const LIVEKIT_PROBE_TIMEOUT_MS = 1_500;
type Probe = { reachable: boolean; reason: string | null; checkedAt: number };
let livekitProbe: (Probe & { url: string }) | undefined;
// The probe under way: requests arriving meanwhile wait for it rather than each opening a connection.
let inFlight: { url: string; probe: Promise<Probe> } | undefined;

/**
 * Whether LiveKit answers, at most one probe per 5 s whatever the traffic.
 * The reason names no address: the health route is public. The address goes
 * to the log, once each time reachability changes, while LiveKit is
 * configured (a node run for its API alone is not warned about every start).
 */
export async function livekitReachable(livekitUrl: string, configured: boolean): Promise<Probe> {
  if (livekitProbe && livekitProbe.url === livekitUrl && Date.now() - livekitProbe.checkedAt < LIVEKIT_PROBE_TTL_MS) return livekitProbe;
  if (inFlight?.url === livekitUrl) return inFlight.probe;
  const probe = probeLiveKit(livekitUrl, configured).finally(() => {
    if (inFlight?.probe === probe) inFlight = undefined;
  });
  inFlight = { url: livekitUrl, probe };
  return probe;
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
