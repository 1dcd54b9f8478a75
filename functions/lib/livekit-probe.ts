// Whether the LiveKit server answers: health and /metrics both report it.

// The probe is cached so that a public endpoint cannot be used to make the node hammer LiveKit.
const LIVEKIT_PROBE_TTL_MS = 5_000;
const LIVEKIT_PROBE_TIMEOUT_MS = 1_500;
let livekitProbe: { url: string; reachable: boolean; checkedAt: number } | undefined;

export async function livekitReachable(livekitUrl: string): Promise<{ reachable: boolean; checkedAt: number }> {
  const now = Date.now();
  if (livekitProbe && livekitProbe.url === livekitUrl && now - livekitProbe.checkedAt < LIVEKIT_PROBE_TTL_MS) return livekitProbe;
  let reachable = false;
  try {
    // livekit-server answers plain HTTP on its signalling port.
    const response = await fetch(livekitUrl.replace(/^ws/, "http"), { signal: AbortSignal.timeout(LIVEKIT_PROBE_TIMEOUT_MS) });
    reachable = response.ok;
    await response.body?.cancel();
  } catch {
    reachable = false;
  }
  livekitProbe = { url: livekitUrl, reachable, checkedAt: now };
  return livekitProbe;
}
