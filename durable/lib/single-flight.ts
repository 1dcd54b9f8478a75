/**
 * One run at a time per key: whoever asks while a run for that key is under
 * way gets its answer instead of starting another. An actor answers other
 * calls while one waits on LiveKit, so two starts of the same room's egress
 * would otherwise both find none running and both start one. (Inside one
 * actor every call shares its I/O context, so awaiting another call's
 * promise is safe here, unlike between a Worker's requests.)
 */
export class SingleFlight<T> {
  readonly #running = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.#running.get(key);
    if (running) return running;
    const started = work().finally(() => this.#running.delete(key));
    this.#running.set(key, started);
    return started;
  }
}
