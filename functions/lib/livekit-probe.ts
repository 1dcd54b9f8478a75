// Whether the LiveKit server answers: health and /metrics both report it.
import { hostOf, transportFailure } from "../../core/transport.ts";

// The probe is cached so that a public endpoint cannot be used to make the node hammer LiveKit.
const LIVEKIT_PROBE_TTL_MS = 5_000;
const LIVEKIT_PROBE_TIMEOUT_MS = 1_500;
let livekitProbe: { url: string; reachable: boolean; reason: string | null; checkedAt: number } | undefined;

export async function livekitReachable(livekitUrl: string): Promise<{ reachable: boolean; reason: string | null; checkedAt: number }> {
  const now = Date.now();
  if (livekitProbe && livekitProbe.url === livekitUrl && now - livekitProbe.checkedAt < LIVEKIT_PROBE_TTL_MS) return livekitProbe;
  let reason: string | null = null;
  try {
    // livekit-server answers plain HTTP on its signalling port.
    const response = await fetch(livekitUrl.replace(/^ws/, "http"), { signal: AbortSignal.timeout(LIVEKIT_PROBE_TIMEOUT_MS) });
    if (!response.ok) reason = `LiveKit at ${hostOf(livekitUrl)} answers HTTP ${response.status}`;
    await response.body?.cancel();
  } catch (error) {
    reason = `LiveKit at ${hostOf(livekitUrl)} does not answer (${transportFailure(error)})`;
  }
  livekitProbe = { url: livekitUrl, reachable: reason === null, reason, checkedAt: now };
  return livekitProbe;
}
