/**
 * An answer this isolate's requests share (is LiveKit up? does storage
 * answer?), asked for by one request at a time and kept for `freshMs`.
 *
 * No request awaits a promise another request created: workerd ties a fetch or
 * an actor call to the request that made it, and if that request is cancelled
 * (a load balancer giving up on a poll, a client closing its connection) the
 * call never settles, and every request waiting on it would hang into
 * workerd's own 500. So while one request asks, the others read the last
 * answer; before the first answer they wait for it to appear, on timers of
 * their own; and an ask older than `giveUpMs` belongs to a cancelled request
 * and holds no one back.
 */
export class SharedAnswer<T> {
  readonly #freshMs: number;
  readonly #giveUpMs: number;
  #answer: { value: T; askedAt: number } | undefined;
  #asking: { since: number } | undefined;

  constructor(freshMs: number, giveUpMs: number) {
    this.#freshMs = freshMs;
    this.#giveUpMs = giveUpMs;
  }

  /** The last answer, however old (undefined before the first). */
  get last(): T | undefined {
    return this.#answer?.value;
  }

  async get(ask: () => Promise<T>): Promise<T> {
    for (;;) {
      const now = Date.now();
      if (this.#answer && now - this.#answer.askedAt < this.#freshMs) return this.#answer.value;
      if (!this.#asking || now - this.#asking.since >= this.#giveUpMs) break;
      if (this.#answer) return this.#answer.value;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const mine = { since: Date.now() };
    this.#asking = mine;
    try {
      const value = await ask();
      // An ask that outlived a newer one does not overwrite the newer answer.
      if (!this.#answer || mine.since >= this.#answer.askedAt) this.#answer = { value, askedAt: mine.since };
      return value;
    } finally {
      if (this.#asking === mine) this.#asking = undefined;
    }
  }
}
