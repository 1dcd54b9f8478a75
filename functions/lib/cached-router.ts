import type { Result, Router } from "hono/router";
import { TrieRouter } from "hono/router/trie-router";

/** Paths remembered per method; past this, the oldest is forgotten first. */
export const REMEMBERED_PATHS = 2_000;
/** Longer paths are looked up every time: a flood of long unique paths cannot fill memory with them. */
export const REMEMBERED_PATH_MAX_LENGTH = 256;
/** Paths seen once that the doorkeeper keeps track of (a power of two): 16 KB. */
const SEEN_ONCE_SLOTS = 4_096;

/**
 * Hono's TrieRouter, with the answer for each method and path remembered.
 *
 * The trie's search allocates a little for every segment and pattern it walks (about a
 * kilobyte a request over this route table, a sixth of what a health check allocates):
 * garbage that makes the collector's pauses more frequent under load. Almost all traffic
 * repeats a few paths (the same app's token and play-token routes, the same health
 * check, the same HLS playlist), so a lookup answers from here without walking the trie.
 *
 * A match depends on nothing but the method, the path and the route table, and Hono never
 * writes to one, so sharing it between requests is safe; adding a route forgets them all.
 * At most REMEMBERED_PATHS paths for each standard method, oldest forgotten first.
 *
 * A path is remembered from its second lookup, not its first. Paths seen once (a scanner
 * trying URLs, a one-off) would otherwise push out the ones that repeat, and each would stay
 * in memory long enough to outlive a few collections and be copied into the old generation:
 * the churn this cache is there to avoid. What was seen once is kept as a 32-bit hash in a
 * fixed array, which allocates nothing.
 */
export class CachedTrieRouter<T> implements Router<T> {
  name = "TrieRouter (cached)";
  readonly #trie = new TrieRouter<T>();
  // The standard methods only (Hono asks GET for a HEAD): a request may name any method it likes.
  readonly #byMethod = new Map<string, Map<string, Result<T>>>(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].map((method) => [method, new Map()]));

  // The doorkeeper: a hash of method and path per slot, for paths looked up once (0: empty).
  // A path whose hash is in its slot has been seen before; a newer path takes an older one's slot.
  readonly #seenOnce = new Int32Array(SEEN_ONCE_SLOTS);

  add(method: string, path: string, handler: T): void {
    this.#trie.add(method, path, handler);
    for (const answers of this.#byMethod.values()) answers.clear();
  }

  match(method: string, path: string): Result<T> {
    const answers = this.#byMethod.get(method);
    if (!answers || path.length > REMEMBERED_PATH_MAX_LENGTH) return this.#trie.match(method, path);
    let result = answers.get(path);
    if (!result) {
      result = this.#trie.match(method, path);
      if (this.#seenBefore(method, path)) {
        if (answers.size >= REMEMBERED_PATHS) answers.delete(answers.keys().next().value!);
        answers.set(path, result);
      }
    }
    return result;
  }

  /** Whether this method and path were looked up before (as far as the doorkeeper remembers); notes them if not. */
  #seenBefore(method: string, path: string): boolean {
    // FNV-1a over the method, a separator and the path; never 0, which marks an empty slot.
    let hash = 0x811c9dc5;
    for (let i = 0; i < method.length; i++) hash = Math.imul(hash ^ method.charCodeAt(i), 0x01000193);
    hash = Math.imul(hash ^ 0x20, 0x01000193);
    for (let i = 0; i < path.length; i++) hash = Math.imul(hash ^ path.charCodeAt(i), 0x01000193);
    hash ||= 1;
    const slot = hash & (SEEN_ONCE_SLOTS - 1);
    if (this.#seenOnce[slot] === hash) return true;
    this.#seenOnce[slot] = hash;
    return false;
  }
}
