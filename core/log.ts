// Structured log lines on stdout/stderr (workerd forwards console output).
// Never pass credentials here: callers log ids and codes, not tokens or secrets.

type Level = "debug" | "info" | "warn" | "error";

// The time of the last line, as text: lines written in the same millisecond (under load, most of
// the access log's) share one, rather than each formatting the date again.
let stampedAt = Number.NaN;
let stamp = "";
function timestamp(): string {
  const now = Date.now();
  if (now !== stampedAt) {
    stampedAt = now;
    stamp = new Date(now).toISOString();
  }
  return stamp;
}

/**
 * `{"ts":…,"level":…,"message":…,` then the fields: the JSON of an object in that order, built
 * without copying the fields into a new object first (one per line, for the access log).
 */
function lineOf(level: Level, message: string, fields: Record<string, unknown>): string {
  const rest = JSON.stringify(fields);
  return `{"ts":"${timestamp()}","level":"${level}","message":${JSON.stringify(message)}${rest === "{}" ? "}" : `,${rest.slice(1)}`}`;
}
/** Warnings and errors go to stderr, the rest to stdout. */
const onStderr = (level: Level) => level === "error" || level === "warn";

export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const line = lineOf(level, message, fields);
  if (onStderr(level)) console.error(line);
  else console.log(line);
}

/** An error's name, message and stack, for a log line. */
export const describeError = (error: unknown) =>
  error instanceof Error ? { error: error.name, cause: error.message, stack: error.stack } : { cause: String(error) };

/**
 * Lines of high-frequency logs (the access log: one per request) held for one
 * write. Under workerd each console call costs far more than the JSON in it
 * (tens of microseconds: about a quarter of a cheap route's throughput when
 * made per request), so the lines of a moment go out as one multi-line write.
 * Every line is still one JSON object on a line of its own, with its own `ts`.
 */
const held: { out: string[]; err: string[] } = { out: [], err: [] };

/** Holds a line for the next `flushHeldLog()`; true when enough are held that the caller should flush now. */
export function holdLog(level: Level, message: string, fields: Record<string, unknown>, flushAt: number): boolean {
  const lines = onStderr(level) ? held.err : held.out;
  lines.push(lineOf(level, message, fields));
  return held.out.length + held.err.length >= flushAt;
}

/** Writes every held line, one console call per stream. */
export function flushHeldLog(): void {
  if (held.out.length > 0) console.log(held.out.splice(0).join("\n"));
  if (held.err.length > 0) console.error(held.err.splice(0).join("\n"));
}
