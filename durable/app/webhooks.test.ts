import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { withHost } from "./testing.ts";
import { Webhooks } from "./webhooks.ts";

const RECEIVER = (env as unknown as Record<string, string>).TEST_WEBHOOK_RECEIVER!;

async function inbox(name: string, secret: string) {
  await fetch(`${RECEIVER}/_config/${name}`, { method: "POST", body: JSON.stringify({ secrets: [secret], responses: [{ status: 204 }] }) });
  return async () => (await (await fetch(`${RECEIVER}/_received/${name}`)).json()) as { body: string; verified: boolean; at: number }[];
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("Webhooks capability", () => {
  it("delivers an event as soon as it is recorded, not on the next alarm, and keeps a durable backstop", async () => {
    let webhooks: Webhooks | undefined;
    await withHost(
      async (host) => {
        webhooks = new Webhooks(host);
        const name = `cap-inbox-${Date.now()}`;
        const { secret, endpoint } = await webhooks.create({ url: `${RECEIVER}/r/${name}`, events: ["hls_stopped"], enabled: true, description: null });
        const received = await inbox(name, secret);

        const recordedAt = Date.now();
        await host.events.record("hls_stopped", { room: "cap-room", egressId: "EG_cap" }, new Date().toISOString());
        // Should the actor die now, the alarm comes back to the outbox.
        const backstop = (await host.scheduler.dueAt("webhooks"))!;
        expect(backstop).toBeGreaterThan(recordedAt);
        expect(await host.storage.getAlarm()).not.toBeNull();

        // Generous: a loaded machine may be slow; when it came is what the test looks at.
        const got = await until(received, (r) => r.length > 0, 10_000);
        expect(got).toHaveLength(1);
        expect(got[0]!.verified).toBe(true);
        expect(JSON.parse(got[0]!.body)).toMatchObject({ event: "hls_stopped", data: { egressId: "EG_cap" } });
        // Before the backstop came due: delivery was started by the recording, not by the alarm.
        expect(got[0]!.at).toBeLessThan(backstop);

        await webhooks.pump();
        const log = await webhooks.deliveries(endpoint.id, "delivered", 10, 0);
        expect(log.total).toBe(1);
      },
      { onRecorded: () => webhooks?.kick() },
    );
  });

  it("fans a burst out once each, to subscribed endpoints only, and delivers all of it", async () => {
    let webhooks: Webhooks | undefined;
    await withHost(
      async (host) => {
        webhooks = new Webhooks(host);
        const name = `cap-burst-${Date.now()}`;
        const { secret } = await webhooks.create({ url: `${RECEIVER}/r/${name}`, events: ["vod_deleted"], enabled: true, description: null });
        const received = await inbox(name, secret);
        const at = new Date().toISOString();
        for (let i = 0; i < 300; i++) {
          await host.events.record("vod_deleted", { vodId: `vod_${i}`, room: "r", fileKey: `k${i}` }, at);
          await host.events.record("hls_stopped", { room: "r", egressId: `EG_${i}` }, at);
        }
        const got = await until(received, (r) => r.length >= 300, 10_000);
        await webhooks.pump();
        expect(got).toHaveLength(300);
        expect(new Set(got.map((r) => JSON.parse(r.body).data.vodId)).size).toBe(300);
        expect(got.every((r) => r.verified)).toBe(true);
      },
      { onRecorded: () => webhooks?.kick() },
    );
  });
});

/** Receiver answers for an inbox from now on (the last one repeats). */
const answer = (name: string, status: number) => fetch(`${RECEIVER}/_config/${name}`, { method: "POST", body: JSON.stringify({ responses: [{ status }] }) });

/**
 * A receiver down for two minutes, on the actor's own clock: the webhook task
 * runs whenever the schedule says it is due (as the alarm would), the clock
 * jumping to that time instead of the test sleeping.
 */
async function downForTwoMinutes(host: Parameters<Parameters<typeof withHost>[0]>[0], events: number) {
  const clock = { now: Date.now() };
  const webhooks = new Webhooks(host, { now: () => clock.now });
  const name = `cap-down-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const { secret, endpoint } = await webhooks.create({ url: `${RECEIVER}/r/${name}`, events: ["vod_deleted"], enabled: true, description: null });
  const received = await inbox(name, secret);
  await answer(name, 503);
  const start = clock.now;
  for (let i = 0; i < events; i++) await host.events.record("vod_deleted", { vodId: `vod_${i}`, room: "r", fileKey: `k${i}` }, new Date(start).toISOString());
  const returnsAt = start + 120_000;
  let due: number | null = start;
  let lastRun = start;
  while (due !== null && due < returnsAt) {
    clock.now = lastRun = Math.max(due, clock.now);
    due = await webhooks.runScheduled();
  }
  return { webhooks, clock, name, endpoint, received, start, returnsAt, lastRun, due };
}

const vodIds = (got: { body: string }[]) => got.map((r) => JSON.parse(r.body).data.vodId as string);

describe("Webhooks catch up as soon as the receiver does", () => {
  it("delivers the backlog of a receiver down for 2 minutes within 30 s of its return, probing it lightly meanwhile", async () => {
    await withHost(async (host) => {
      const { webhooks, clock, name, endpoint, received, start, returnsAt, due: dueWhileDown } = await downForTwoMinutes(host, 5);

      // While down: each delivery was tried on its schedule only (now, +5 s), and the endpoint probed
      // with one request at a time, no more than every 10 s — probes do not use up the schedule.
      const whileDown = await received();
      const pendingWhileDown = await webhooks.deliveries(endpoint.id, "pending", 10, 0);
      expect(pendingWhileDown.total).toBe(5);
      expect(pendingWhileDown.deliveries.every((d) => d.attempts === 2)).toBe(true);
      expect(whileDown.length).toBeLessThanOrEqual(10 + 120 / 10 + 1);
      expect(dueWhileDown).not.toBeNull();

      await answer(name, 204);
      let due: number | null = dueWhileDown;
      while (due !== null && (await webhooks.deliveries(endpoint.id, "pending", 1, 0)).total > 0) {
        clock.now = Math.max(due, returnsAt);
        if (clock.now > returnsAt + 30_000) break;
        due = await webhooks.runScheduled();
      }
      expect(clock.now - returnsAt).toBeLessThanOrEqual(30_000);
      const delivered = await webhooks.deliveries(endpoint.id, "delivered", 10, 0);
      expect(delivered.total).toBe(5);
      const got = (await received()).slice(whileDown.length);
      // The probe is the oldest; the rest are sent in the order they were written, concurrently (arrival order is not promised).
      expect(vodIds(got)[0]).toBe("vod_0");
      expect(vodIds(got).sort()).toEqual(["vod_0", "vod_1", "vod_2", "vod_3", "vod_4"]);
      expect(got.every((r) => r.verified)).toBe(true);
      expect((await webhooks.get(endpoint.id))!.failingSince).toBeNull();
      expect(start).toBeLessThan(returnsAt);
    });
  });

  it("sends the backlog at once when a new event to the returned receiver is delivered", async () => {
    await withHost(async (host) => {
      const { webhooks, clock, name, endpoint, received, lastRun } = await downForTwoMinutes(host, 4);
      const before = (await received()).length;
      await answer(name, 204);
      // Just after the last run: no probe and no retry is due; the new event's delivery is what proves the receiver back.
      clock.now = lastRun + 1;
      await host.events.record("vod_deleted", { vodId: "vod_new", room: "r", fileKey: "k-new" }, new Date(clock.now).toISOString());
      await webhooks.pump();
      await webhooks.pump();
      expect((await webhooks.deliveries(endpoint.id, "delivered", 10, 0)).total).toBe(5);
      const got = vodIds((await received()).slice(before));
      expect(got[0]).toBe("vod_new");
      expect(got.slice(1).sort()).toEqual(["vod_0", "vod_1", "vod_2", "vod_3"]);
    });
  });
});
