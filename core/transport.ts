// What a failed outbound fetch (to LiveKit, an S3 bucket) means, in words a
// caller can act on. The runtime's own messages ("Network connection lost.",
// "internal error; reference = …") are never passed on: they name nothing the
// caller controls, and may carry internals.

/** A fixed phrase for why a fetch got no answer. */
export function transportFailure(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : String(error);
  if (name === "TimeoutError" || name === "AbortError" || /timed? ?out/i.test(message)) return "no answer in time";
  if (/certificate|tls|ssl/i.test(message)) return "the TLS handshake failed (is the certificate valid for this host?)";
  if (/dns|resolve|not known|ENOTFOUND|EAI_/i.test(message)) return "the host name does not resolve";
  if (/refused|ECONNREFUSED/i.test(message)) return "the connection was refused";
  return "the connection failed or was closed";
}

/**
 * Runs `call` with a signal that aborts it (a "TimeoutError") after `ms`, and
 * stops that timer as soon as the call is over. Not `AbortSignal.timeout()`:
 * its timer, and the signal it holds, outlives an answer that took
 * milliseconds by the whole timeout — in an actor, whose context outlives any
 * request, a webhook burst kept tens of thousands of them alive for the
 * garbage collector to trace and then finalize all at once.
 */
export async function withDeadline<T>(ms: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException(`no answer within ${ms} ms`, "TimeoutError")), ms);
  try {
    return await call(deadline.signal);
  } finally {
    clearTimeout(timer);
  }
}

/** `host[:port]` of a URL, for messages (the URL itself may carry credentials or a path). */
export const hostOf = (url: string) => URL.parse(url.replace(/^ws/, "http"))?.host ?? "the configured address";
