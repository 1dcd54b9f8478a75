import { describe, expect, it } from "vitest";
import type { LiveKitEvent } from "../../core/livekit.ts";
import { Ingresses } from "./ingresses.ts";
import { Recordings } from "./recordings.ts";
import { Settings } from "./settings.ts";
import { Live, RECONCILE_INTERVAL_MS } from "./live.ts";
import { withHost, type TestHost } from "./testing.ts";

function liveOf(host: TestHost) {
  let live: Live;
  const ingresses = new Ingresses(host, (room) => live.viewerCount(room));
  const recordings = new Recordings(host, new Settings(host));
  live = new Live(host, { egressChanged: (egress, event, now) => recordings.egressChanged(egress, event, now), ingresses });
  return { live };
}

const joined = (id: string, room: string, identity: string): LiveKitEvent => ({
  id,
  event: "participant_joined",
  createdAt: Math.floor(Date.now() / 1000),
  room: { name: room, sid: "RM_1" },
  participant: { identity, sid: `PA_${identity}`, name: identity, hidden: false, uncounted: false, kind: "STANDARD" },
});

const eventTypes = async (host: TestHost) => (await host.events.after(0, 1000)).map((e) => e.type);

describe("Live capability", () => {
  it("schedules a check against LiveKit a minute after someone joins (the alarm's reconcile task)", async () => {
    await withHost(async (host) => {
      const { live } = liveOf(host);
      const before = Date.now();
      await live.apply(joined("EV_join", "cap-room", "host"));
      const due = await host.scheduler.dueAt("reconcile");
      expect(due).not.toBeNull();
      expect(due!).toBeGreaterThanOrEqual(before + RECONCILE_INTERVAL_MS);
      expect(due!).toBeLessThanOrEqual(Date.now() + RECONCILE_INTERVAL_MS);
      // The task checks LiveKit (which has no such room: the join was never real), heals, and stops.
      expect(await live.runScheduled(Date.now())).toBeNull();
      expect(await eventTypes(host)).toEqual(["participant_joined", "participant_left"]);
    });
  });

  it("applies a repeated LiveKit event id once", async () => {
    await withHost(async (host) => {
      const { live } = liveOf(host);
      expect((await live.apply(joined("EV_same", "cap-room", "a"))).duplicate).toBe(false);
      expect((await live.apply(joined("EV_same", "cap-room", "a"))).duplicate).toBe(true);
      expect((await eventTypes(host)).filter((t) => t === "participant_joined")).toHaveLength(1);
    });
  });

  it("counts a viewer whose connection LiveKit aborted as gone (LiveKit sends no participant_left for it)", async () => {
    await withHost(async (host) => {
      const { live } = liveOf(host);
      await live.apply(joined("EV_a", "cap-room", "viewer"));
      expect(await live.viewerCount("cap-room")).toBe(1);
      await live.apply({ ...joined("EV_b", "cap-room", "viewer"), event: "participant_connection_aborted" });
      expect(await live.viewerCount("cap-room")).toBe(0);
    });
  });
});
