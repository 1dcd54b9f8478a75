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
        expect(await host.scheduler.dueAt("webhooks")).toBeGreaterThan(recordedAt);
        expect(await host.storage.getAlarm()).not.toBeNull();

        const got = await until(received, (r) => r.length > 0, 1_500);
        expect(got).toHaveLength(1);
        expect(got[0]!.verified).toBe(true);
        expect(JSON.parse(got[0]!.body)).toMatchObject({ event: "hls_stopped", data: { egressId: "EG_cap" } });
        // Well before the backstop (2 s) could have fired: delivery was started by the recording.
        expect(got[0]!.at - recordedAt).toBeLessThan(1_000);

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
