import { utf8 } from "../../core/crypto/encoding.ts";
import type { StreamRecord } from "./live.repo.ts";

/** How often an idle feed says it is alive: proxies close quiet connections, and a gone subscriber shows up here. */
export const FEED_HEARTBEAT_MS = 15_000;

/** Changes arriving together (a burst of LiveKit webhooks) make one snapshot. */
const COALESCE_MS = 100;

interface Subscriber {
  controller: ReadableStreamDefaultController<Uint8Array>;
  withViewers: boolean;
}

/**
 * The app's live streams pushed to whoever watches (the dashboard): each
 * subscriber gets a Server-Sent Events stream that opens with a snapshot of
 * the active streams and gets a new snapshot whenever the live state changed.
 * A snapshot rather than a diff: a client that missed one loses nothing, and
 * an app has few live streams. Nothing is stored: a feed lives as long as its
 * connection, and a restarted actor is reconnected to by the client.
 */
export class LiveFeed {
  readonly #snapshot: () => Promise<StreamRecord[]>;
  readonly #subscribers = new Set<Subscriber>();
  #pending: ReturnType<typeof setTimeout> | null = null;
  #heartbeat: ReturnType<typeof setInterval> | null = null;

  constructor(snapshot: () => Promise<StreamRecord[]>) {
    this.#snapshot = snapshot;
  }

  get subscribers(): number {
    return this.#subscribers.size;
  }

  /** A new subscriber's stream of `event: streams` messages (data: the active streams as JSON). */
  subscribe(options: { withViewers: boolean }): ReadableStream<Uint8Array> {
    let subscriber: Subscriber;
    return new ReadableStream<Uint8Array>({
      start: async (controller) => {
        subscriber = { controller, withViewers: options.withViewers };
        this.#subscribers.add(subscriber);
        this.#heartbeat ??= setInterval(() => this.#broadcast(utf8(": keep-alive\n\n")), FEED_HEARTBEAT_MS);
        // Tells the client to come back soon after a restart of the node.
        this.#send(subscriber, utf8("retry: 2000\n\n"));
        this.#send(subscriber, this.#message(await this.#snapshot(), options.withViewers));
      },
      cancel: () => this.#drop(subscriber),
    });
  }

  /** The live state changed: every subscriber gets a new snapshot (coalesced). */
  changed(): void {
    if (this.#subscribers.size === 0 || this.#pending !== null) return;
    this.#pending = setTimeout(async () => {
      this.#pending = null;
      const streams = await this.#snapshot();
      const withViewers = this.#message(streams, true);
      const without = this.#message(streams, false);
      for (const subscriber of this.#subscribers) this.#send(subscriber, subscriber.withViewers ? withViewers : without);
    }, COALESCE_MS);
  }

  #message(streams: StreamRecord[], withViewers: boolean): Uint8Array {
    const active = streams.filter((stream) => stream.status === "active").map((stream) => (withViewers ? stream : { ...stream, viewers: undefined }));
    return utf8(`event: streams\ndata: ${JSON.stringify(active)}\n\n`);
  }

  #broadcast(bytes: Uint8Array): void {
    for (const subscriber of this.#subscribers) this.#send(subscriber, bytes);
  }

  #send(subscriber: Subscriber, bytes: Uint8Array): void {
    try {
      subscriber.controller.enqueue(bytes);
    } catch {
      // The connection is gone.
      this.#drop(subscriber);
    }
  }

  #drop(subscriber: Subscriber): void {
    this.#subscribers.delete(subscriber);
    if (this.#subscribers.size === 0 && this.#heartbeat !== null) {
      clearInterval(this.#heartbeat);
      this.#heartbeat = null;
    }
  }
}
