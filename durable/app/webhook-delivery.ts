// How one outbound webhook attempt goes, and when the next one is due.

import { fromUtf8 } from "../../core/crypto/encoding.ts";
import { outbound, type Outbound } from "../../core/outbound.ts";
import { withDeadline } from "../../core/transport.ts";

/** Immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h (issue 6), each with ±10 % jitter. */
export const RETRY_SCHEDULE_MS = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000];
export const DELIVERY_TIMEOUT_MS = 15_000;
/** An endpoint that has failed without a single success for this long is disabled. */
export const DISABLE_FAILING_AFTER_MS = 3 * 24 * 3600_000;
/**
 * How many deliveries to one endpoint are in flight at once: enough that a
 * burst of events is handed over as it arrives (with 32 in flight a
 * 5,000-event burst queued ~1 s behind; with 48 it keeps pace, hand-off
 * p50 ≈ 30 ms), few enough not to flood a receiver. Receivers see concurrent deliveries
 * either way: order is not promised.
 */
export const MAX_IN_FLIGHT_PER_ENDPOINT = 48;
const RESPONSE_CAP_BYTES = 1024;

const jitter = (ms: number) => (ms === 0 ? 0 : Math.round(ms * (0.9 + Math.random() * 0.2)));

export interface AttemptResult {
  status: number | null;
  error: string | null;
  response: string | null;
  durationMs: number;
  retryAfterMs: number | null;
}

export type Verdict =
  | { outcome: "delivered" }
  | { outcome: "retry"; nextAttemptAt: number }
  | { outcome: "failed" }
  /** 410 Gone: the receiver says the endpoint is no more; it is disabled. */
  | { outcome: "gone" };

/** Reads at most `cap` bytes of a body, then stops reading. */
async function readCapped(response: Response, cap: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < cap) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  const joined = new Uint8Array(Math.min(size, cap));
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk.subarray(0, Math.min(chunk.byteLength, cap - offset)), offset);
    offset += chunk.byteLength;
    if (offset >= cap) break;
  }
  return fromUtf8(joined);
}

/** `Retry-After` in seconds or as an HTTP date. */
function retryAfterMs(value: string | null, now: number): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * What the attempt log says when the public-only network (core/outbound.ts)
 * got no answer. workerd reports a refused private address, a name that does
 * not resolve and a closed connection alike ("internal error; reference = …"),
 * so the message names the likely causes and never the runtime's words.
 */
export const PUBLIC_ONLY_FAILURE =
  "could not connect: only public addresses are reached, and the host name may resolve to a private, loopback or metadata address (STREAMHUB_WEBHOOK_ALLOW_PRIVATE=1 allows those), or the host did not answer";

/**
 * One POST, redirects not followed, with a timeout and a capped read of the
 * answer, sent through `via` (core/outbound.ts).
 */
export async function attempt(url: string, headers: Record<string, string>, body: string, via: Outbound = outbound({}, true)): Promise<AttemptResult> {
  const started = Date.now();
  try {
    // The deadline covers the answer's body too.
    return await withDeadline(DELIVERY_TIMEOUT_MS, async (signal) => {
      const response = await via.fetch(url, { method: "POST", headers, body, redirect: "manual", signal });
      const text = await readCapped(response, RESPONSE_CAP_BYTES).catch(() => "");
      // Retry-After counts only on 429 and 503 (verdict); a delivered answer's headers are never read.
      const retryAfter = response.status === 429 || response.status === 503 ? retryAfterMs(response.headers.get("Retry-After"), Date.now()) : null;
      return { status: response.status, error: null, response: text, durationMs: Date.now() - started, retryAfterMs: retryAfter };
    });
  } catch (error) {
    // No answer means no response body: nothing of what is behind the address is recorded.
    const timedOut = (error as Error).name === "TimeoutError";
    const message = via.publicOnly && !timedOut ? PUBLIC_ONLY_FAILURE : (error as Error).message || String(error);
    return { status: null, error: message, response: null, durationMs: Date.now() - started, retryAfterMs: null };
  }
}

/**
 * 2xx delivered; 410 gone; network errors, 408, 429 and 5xx retried on the
 * schedule (429/503 no sooner than `Retry-After`); any other status failed
 * (replayable). After the last scheduled attempt a delivery is failed.
 */
export function verdict(result: AttemptResult, attemptsMade: number, now: number): Verdict {
  const status = result.status;
  if (status !== null && status >= 200 && status < 300) return { outcome: "delivered" };
  if (status === 410) return { outcome: "gone" };
  const retryable = status === null || status === 408 || status === 429 || status >= 500;
  if (!retryable || attemptsMade >= RETRY_SCHEDULE_MS.length) return { outcome: "failed" };
  let wait = jitter(RETRY_SCHEDULE_MS[attemptsMade]!);
  if ((status === 429 || status === 503) && result.retryAfterMs !== null) wait = Math.max(wait, result.retryAfterMs);
  return { outcome: "retry", nextAttemptAt: now + wait };
}
