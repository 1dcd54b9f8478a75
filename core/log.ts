// Structured log lines on stdout/stderr (workerd forwards console output).
// Never pass credentials here: callers log ids and codes, not tokens or secrets.

type Level = "debug" | "info" | "warn" | "error";

export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ ts: new Date().toISOString(), level, message, ...fields });
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

/** An error's name, message and stack, for a log line. */
export const describeError = (error: unknown) =>
  error instanceof Error ? { error: error.name, cause: error.message, stack: error.stack } : { cause: String(error) };
