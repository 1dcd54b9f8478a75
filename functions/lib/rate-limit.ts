/**
 * A fixed-window counter per key (an app and a client address, say), kept in
 * this isolate's memory: `admit(key)` is 0 while the key is within `limit`
 * calls per `windowMs`, else how many seconds until its window ends. Exact
 * under `npm start`, where one isolate serves every request; on Cloudflare
 * each isolate counts on its own, so a client spread over several may get a
 * few times the limit. Losing the counts on a restart is harmless.
 */
export function fixedWindowLimiter(options: { limit: number; windowMs: number; maxKeys?: number }): (key: string, now?: number) => number {
  const maxKeys = options.maxKeys ?? 100_000;
  const windows = new Map<string, { startedAt: number; count: number }>();
  return function admit(key, now = Date.now()) {
    const window = windows.get(key);
    if (!window || window.startedAt + options.windowMs <= now) {
      if (windows.size >= maxKeys) windows.clear();
      windows.set(key, { startedAt: now, count: 1 });
      return 0;
    }
    if (window.count >= options.limit) return Math.ceil((window.startedAt + options.windowMs - now) / 1000);
    window.count++;
    return 0;
  };
}
