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
  // Key → its window as one small integer: the second it started (counted from the first call
  // this limiter saw) × `span`, plus its count. V8 keeps such a number in the table itself,
  // with no object of its own, so a table of 100,000 client addresses is 100,000 strings for
  // the garbage collector to trace, not twice as many objects — and it is traced at every full
  // collection for as long as it is held. (Small enough for V8's inline integers, below 2^30,
  // for about 97 days of uptime at 120 calls a window and a year at 30; past that the numbers
  // are boxed again, and still exact.)
  // A window starts on a whole second, so it may end up to a second sooner than one timed to
  // the millisecond would.
  const span = 2 ** Math.ceil(Math.log2(options.limit + 1));
  const windows = new Map<string, number>();
  let epoch: number | undefined;
  const secondOf = (window: number) => Math.floor(window / span);
  const startOf = (window: number) => epoch! + secondOf(window) * 1000;
  const expired = (window: number, now: number) => startOf(window) + options.windowMs <= now;
  // The map is kept in order of last use. New keys make room a little at a time: every 16th
  // drops up to 64 windows that are over, from the front, and when the map is full each drops
  // the least recently used key. Never a sweep of the whole map in one request (a stall at
  // 100,000 keys), and never all at once, which would let a flood of new keys wipe the count
  // of a client that keeps asking.
  let newKeys = 0;
  const makeRoom = (now: number) => {
    if (windows.size < maxKeys && ++newKeys % 16 !== 0) return;
    let expiredToDrop = 64;
    for (const [key, window] of windows) {
      const full = windows.size >= maxKeys;
      if (!full && (expiredToDrop-- === 0 || !expired(window, now))) break;
      windows.delete(key);
    }
  };
  return function admit(key, now = Date.now()) {
    epoch ??= now;
    const window = windows.get(key);
    if (window === undefined || expired(window, now)) {
      windows.delete(key);
      makeRoom(now);
      windows.set(key, Math.floor((now - epoch) / 1000) * span + 1);
      return 0;
    }
    // Kept in order of last use: eviction takes those that stopped asking first.
    windows.delete(key);
    const count = window - secondOf(window) * span;
    if (count >= options.limit) {
      windows.set(key, window);
      return Math.ceil((startOf(window) + options.windowMs - now) / 1000);
    }
    windows.set(key, window + 1);
    return 0;
  };
}

/**
 * The part of a client address that names one client for rate limits: an
 * IPv4 address whole, an IPv6 address by its /64 (one host holds a whole /64,
 * and could otherwise take a new address for every request).
 */
export function clientKey(ip: string): string {
  if (!ip.includes(":")) return ip;
  const [head = "", tail = ""] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}
