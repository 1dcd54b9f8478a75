import { describe, expect, it } from "vitest";
import { LiveFeed } from "./live-feed.ts";
import type { StreamRecord } from "./live.repo.ts";

const stream = (id: string, status: StreamRecord["status"], viewers: number): StreamRecord => ({
  id,
  streamId: id,
  type: "webrtc",
  room: "cap-room",
  participant: id.split("/")[1]!,
  ingressId: null,
  status,
  startedAt: "2026-11-30T00:00:00.000Z",
  endedAt: null,
  endReason: null,
  lastStatsJson: "{}",
  viewers,
});

/** Reads a feed's messages as they come, one `\n\n`-terminated message at a time. */
function reader(body: ReadableStream<Uint8Array>) {
  const chunks = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  return async (): Promise<string> => {
    while (!buffered.includes("\n\n")) {
      const { value, done } = await chunks.read();
      if (done) throw new Error("the feed ended");
      buffered += decoder.decode(value, { stream: true });
    }
    const end = buffered.indexOf("\n\n") + 2;
    const message = buffered.slice(0, end);
    buffered = buffered.slice(end);
    return message;
  };
}
const streamsOf = (message: string) => JSON.parse(message.slice(message.indexOf("data: ") + 6)) as StreamRecord[];

describe("LiveFeed capability", () => {
  it("opens with a snapshot of the active streams, viewers only for those who may see them", async () => {
    let live = [stream("cap-room/a", "active", 3), stream("cap-room/b", "ended", 0)];
    const feed = new LiveFeed(async () => live);
    const withViewers = reader(feed.subscribe({ withViewers: true }));
    const without = reader(feed.subscribe({ withViewers: false }));
    expect(await withViewers()).toBe("retry: 2000\n\n");
    expect(streamsOf(await withViewers())).toEqual([expect.objectContaining({ id: "cap-room/a", viewers: 3 })]);
    await without();
    const first = streamsOf(await without());
    expect(first.map((s) => s.id)).toEqual(["cap-room/a"]);
    expect(first[0]).not.toHaveProperty("viewers");
    expect(feed.subscribers).toBe(2);

    // Changes arriving together make one new snapshot.
    live = [stream("cap-room/a", "active", 4), stream("cap-room/c", "active", 0)];
    feed.changed();
    feed.changed();
    const next = await withViewers();
    expect(next.startsWith("event: streams\n")).toBe(true);
    expect(streamsOf(next).map((s) => [s.id, s.viewers])).toEqual([["cap-room/a", 4], ["cap-room/c", 0]]);
    live = [];
    feed.changed();
    expect(streamsOf(await withViewers())).toEqual([]);
  });

  it("forgets a subscriber whose connection is gone", async () => {
    const feed = new LiveFeed(async () => []);
    const connection = feed.subscribe({ withViewers: false }).getReader();
    await connection.read();
    expect(feed.subscribers).toBe(1);
    await connection.cancel();
    expect(feed.subscribers).toBe(0);
  });
});
