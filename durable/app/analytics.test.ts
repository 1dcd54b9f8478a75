import { describe, expect, it } from "vitest";
import type { SqlDriver, Statement } from "../../core/db/sql.ts";
import type { LiveKitEvent } from "../../core/livekit.ts";
import { Analytics, HOUR_MS, MINUTE_MS } from "./analytics.ts";
import { Ingresses } from "./ingresses.ts";
import { Recordings } from "./recordings.ts";
import { Settings } from "./settings.ts";
import { Live } from "./live.ts";
import { Qoe, type QoeReport } from "./qoe.ts";
import { withHost, type TestHost } from "./testing.ts";

// The analytics capability over a real live state and real QoE reports, in a
// fresh actor's storage. Time is the `now` each call is given (the alarm's
// clock), so minutes pass without waiting.

/** Counts the statements that changed rows, as the budget counts writes. */
function counting(db: SqlDriver) {
  let writes = 0;
  const driver: SqlDriver = {
    all: (s) => db.all(s),
    one: async (s) => {
      const row = await db.one(s);
      // INSERT … RETURNING writes too.
      if (/^\s*INSERT/i.test(s.text)) writes++;
      return row as never;
    },
    run: async (s: Statement) => {
      const result = await db.run(s);
      if (result.changes > 0) writes++;
      return result;
    },
    batch: async (statements) => {
      const results = await db.batch(statements);
      if (results.some((r) => r.changes > 0)) writes++;
      return results;
    },
  };
  return { driver, writes: () => writes };
}

function setUp(host: TestHost) {
  let live: Live;
  const ingresses = new Ingresses(host, (room) => live.viewerCount(room));
  const recordings = new Recordings(host, new Settings(host));
  live = new Live(host, { egressChanged: (egress, event, now) => recordings.egressChanged(egress, event, now), ingresses });
  const qoe = new Qoe(host);
  const db = counting(host.db);
  const analytics = new Analytics({ ...host, db: db.driver }, live, async (filter) => (await qoe.views(filter, 0, 0)).summary);
  let n = 0;
  const apply = async (event: string, room: string, identity: string, fields: Partial<LiveKitEvent> = {}, at = Date.now()) => {
    const lk: LiveKitEvent = {
      id: `EV_${n++}`,
      event,
      createdAt: Math.floor(at / 1000),
      room: { name: room, sid: "RM_1" },
      participant: { identity, sid: `PA_${identity}`, name: identity, hidden: false, uncounted: false, kind: "STANDARD" },
      ...fields,
    };
    await live.apply(lk);
    await analytics.noteEvent(lk, at);
    await analytics.sync(at);
  };
  return { live, qoe, analytics, apply, writes: db.writes };
}

const qoeReport = (room: string, fields: Partial<QoeReport> = {}): QoeReport => ({
  viewId: crypto.randomUUID().replaceAll("-", ""),
  room,
  path: "webrtc",
  firstFrameMs: 700,
  rebufferMs: 0,
  rebufferCount: 0,
  watchedMs: 20_000,
  errors: [],
  final: false,
  ...fields,
});

describe("Analytics capability", () => {
  it("reports a session: peak and average viewers, unique viewers, watch minutes, and the players' QoE", async () => {
    await withHost(async (host) => {
      const { apply, analytics, qoe } = setUp(host);
      const prefix = (await host.identity()).roomPrefix;
      const room = `${prefix}-show`;
      const t0 = Date.now();
      await apply("participant_joined", room, "host", {}, t0);
      await apply("track_published", room, "host", {}, t0);
      await apply("participant_joined", room, "fan-1", {}, t0 + 10_000);
      await apply("participant_joined", room, "fan-2", {}, t0 + 20_000);
      // A recorder (hidden, not a public viewer) is never counted.
      await apply("participant_joined", room, "rec", { participant: { identity: "rec", sid: "PA_rec", name: "", hidden: true, uncounted: true, kind: "STANDARD" } }, t0 + 25_000);
      await apply("participant_left", room, "fan-2", {}, t0 + 80_000);
      await apply("participant_joined", room, "fan-2", {}, t0 + 90_000);
      await qoe.record(qoeReport("show", { firstFrameMs: 500 }), new Date(t0 + 12_000).toISOString());
      await qoe.record(qoeReport("show", { path: "hls", firstFrameMs: 1500, rebufferMs: 1_000, watchedMs: 19_000 }), new Date(t0 + 22_000).toISOString());
      await qoe.record(qoeReport("elsewhere"), new Date(t0 + 22_000).toISOString());

      const live = (await analytics.sessions(`${room}/host`, 10, 0, t0 + 100_000)).sessions[0]!;
      expect(live).toMatchObject({ status: "live", peakViewers: 2, uniqueViewers: 2, endedAt: null });

      await apply("participant_left", room, "host", {}, t0 + 120_000);
      const { sessions, total } = await analytics.sessions(`${room}/host`, 10, 0);
      expect(total).toBe(1);
      // Viewer-seconds: fan-1 10→120 s (110), fan-2 20→80 and 90→120 (90): 200 s = 3.33 watch minutes.
      expect(sessions[0]).toMatchObject({
        streamId: `${room}/host`,
        room,
        type: "webrtc",
        status: "ended",
        endReason: "left",
        peakViewers: 2,
        uniqueViewers: 2,
        watchMinutes: 3.33,
        health: "healthy",
        qoe: { views: 2, medianFirstFrameMs: 500, p95FirstFrameMs: 1500, rebufferRatio: 0.025, hlsFallbacks: 1, failed: 0 },
      });
      expect(sessions[0]!.avgViewers).toBeCloseTo(200_000 / (t0 + 120_000 - Date.parse(sessions[0]!.startedAt)), 2);
    });
  });

  it("counts as unique the viewers that reconciliation finds (no webhook named them)", async () => {
    await withHost(async (host) => {
      const { apply, live, analytics } = setUp(host);
      const room = `${(await host.identity()).roomPrefix}-show`;
      await apply("participant_joined", room, "host");
      await apply("track_published", room, "host");
      // As Live.reconcile applies what LiveKit lists: straight to the live state, then a sync.
      await live.apply({ id: "EV_found", event: "participant_joined", createdAt: 0, room: { name: room, sid: "RM_1" }, participant: { identity: "found", sid: "PA_found", name: "", hidden: false, uncounted: false, kind: "STANDARD" } });
      await analytics.sync(Date.now());
      expect((await analytics.sessions(`${room}/host`, 1, 0)).sessions[0]).toMatchObject({ peakViewers: 1, uniqueViewers: 1 });
    });
  });

  it("writes at most one row a minute while live, and leaves nothing scheduled once nothing is live", async () => {
    await withHost(async (host) => {
      const { apply, analytics, writes } = setUp(host);
      const room = `${(await host.identity()).roomPrefix}-show`;
      // Within one hour: the minute that closes an hour also rolls it up, in the same turn (one commit, two rows).
      const t0 = Math.floor(Date.now() / HOUR_MS) * HOUR_MS + HOUR_MS + 5_000;
      await apply("participant_joined", room, "host", {}, t0);
      await apply("track_published", room, "host", {}, t0);
      await apply("participant_joined", room, "fan", {}, t0 + 1_000);
      expect(await host.scheduler.dueAt("analytics")).toBe(t0 - 5_000 + MINUTE_MS);

      // Ten quiet minutes: the alarm's task writes one row each, and asks for the next minute.
      const before = writes();
      for (let i = 1; i <= 10; i++) {
        const boundary = t0 - 5_000 + i * MINUTE_MS;
        expect(await analytics.runScheduled(boundary + 3)).toBe(boundary + MINUTE_MS);
        // A change that moves no number writes nothing more.
        await analytics.sync(boundary + 20_000);
      }
      expect(writes() - before).toBe(10);

      const series = await analytics.series(t0 - 5_000, t0 - 5_000 + 11 * MINUTE_MS, "minute");
      expect(series).toHaveLength(11);
      expect(series.slice(0, 10).map((p) => [p.streams, p.viewers, p.publishers])).toEqual(Array(10).fill([1, 1, 1]));

      // The stream ends: its minute is written in that turn, and no analytics task is left.
      await apply("participant_left", room, "host", {}, t0 + 10 * MINUTE_MS + 30_000);
      expect(await host.scheduler.dueAt("analytics")).toBeNull();
      await host.scheduler.cancel("reconcile");
      expect(await host.storage.getAlarm()).toBeNull();
      // Written, not only held: a restart now loses nothing.
      expect(await host.db.all({ text: "SELECT streams, viewers FROM analytics_minutes WHERE minute = ?", params: [t0 - 5_000 + 10 * MINUTE_MS] })).toEqual([{ streams: 1, viewers: 1 }]);
      const idle = writes();
      // Idle: a viewer coming and going in a room with no stream writes nothing of analytics.
      await apply("participant_left", room, "fan", {}, t0 + 12 * MINUTE_MS);
      await apply("participant_joined", room, "lurker", {}, t0 + 13 * MINUTE_MS);
      expect(writes()).toBe(idle);
      expect(await host.scheduler.dueAt("analytics")).toBeNull();
    });
  });

  it("rolls complete hours up into their peaks, and serves both resolutions with zeros where nothing was live", async () => {
    await withHost(async (host) => {
      const { apply, analytics } = setUp(host);
      const room = `${(await host.identity()).roomPrefix}-show`;
      const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS + HOUR_MS;
      await apply("participant_joined", room, "host", {}, hour + 58 * MINUTE_MS);
      await apply("track_published", room, "host", {}, hour + 58 * MINUTE_MS);
      await apply("participant_joined", room, "a", {}, hour + 58 * MINUTE_MS + 1);
      await apply("participant_joined", room, "b", {}, hour + 58 * MINUTE_MS + 2);
      await analytics.runScheduled(hour + 59 * MINUTE_MS);
      await apply("participant_left", room, "b", {}, hour + 59 * MINUTE_MS + 10);
      await analytics.runScheduled(hour + 60 * MINUTE_MS);
      expect(await host.db.all({ text: "SELECT hour, viewers, live_minutes FROM analytics_hours", params: [] })).toEqual([{ hour, viewers: 2, live_minutes: 2 }]);

      const hours = await analytics.series(hour - HOUR_MS, hour + 2 * HOUR_MS, "hour");
      expect(hours.map((p) => [p.ts, p.viewers])).toEqual([
        [new Date(hour - HOUR_MS).toISOString(), 0],
        [new Date(hour).toISOString(), 2],
        [new Date(hour + HOUR_MS).toISOString(), 1],
      ]);
      // Retention: minutes past 7 days go, hours stay 90.
      await analytics.prune(hour + 8 * 24 * HOUR_MS);
      expect(await host.db.all({ text: "SELECT minute FROM analytics_minutes", params: [] })).toEqual([]);
      expect((await analytics.series(hour, hour + HOUR_MS, "hour"))[0]!.viewers).toBe(2);
      await analytics.prune(hour + 91 * 24 * HOUR_MS);
      expect((await analytics.series(hour, hour + HOUR_MS, "hour"))[0]!.viewers).toBe(0);
    });
  });

  it("writes the minute just gone from what is live when the actor lost what it held (a restart)", async () => {
    await withHost(async (host) => {
      const first = setUp(host);
      const room = `${(await host.identity()).roomPrefix}-show`;
      const t0 = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
      await first.apply("participant_joined", room, "host", {}, t0 + 1_000);
      await first.apply("track_published", room, "host", {}, t0 + 1_000);
      // A new instance (the actor restarted): nothing held in memory.
      const second = setUp(host);
      await second.analytics.runScheduled(t0 + MINUTE_MS);
      expect((await second.analytics.series(t0, t0 + MINUTE_MS, "minute"))[0]).toMatchObject({ streams: 1, publishers: 1 });
    });
  });

  it("records stream.health_changed when an ingest stalls and recovers, and when viewers rebuffer", async () => {
    await withHost(async (host) => {
      const { apply, analytics, qoe } = setUp(host);
      const room = `${(await host.identity()).roomPrefix}-studio`;
      const ingress = (status: string, bitrate: number | null) => ({
        participant: undefined,
        room: undefined,
        ingress: { ingressId: "IN_1", inputType: "RTMP_INPUT", roomName: room, participantIdentity: "obs", status, bitrateKbps: bitrate },
      });
      const t0 = Date.now();
      await apply("participant_joined", room, "obs", { participant: { identity: "obs", sid: "PA_obs", name: "", hidden: false, uncounted: false, kind: "INGRESS" } }, t0);
      await apply("track_published", room, "obs", { participant: { identity: "obs", sid: "PA_obs", name: "", hidden: false, uncounted: false, kind: "INGRESS" } }, t0);
      await apply("ingress_updated", room, "obs", ingress("ENDPOINT_PUBLISHING", 2_500), t0 + 1_000);
      await apply("ingress_updated", room, "obs", ingress("ENDPOINT_BUFFERING", null), t0 + 2_000);
      await apply("ingress_updated", room, "obs", ingress("ENDPOINT_BUFFERING", null), t0 + 3_000);
      await apply("ingress_updated", room, "obs", ingress("ENDPOINT_PUBLISHING", 3_000), t0 + 4_000);

      const health = async () =>
        (await host.events.after(0, 1000)).filter((e) => e.type === "stream.health_changed").map((e) => JSON.parse(e.dataJson) as { health: string; previous: string; reason: string });
      expect(await health()).toEqual([
        expect.objectContaining({ streamId: `${room}/obs`, type: "rtmp", health: "stalled", previous: "healthy", reason: "ingress_buffering" }),
        expect.objectContaining({ health: "healthy", previous: "stalled", reason: "recovered" }),
      ]);
      // Read in the minute of the last report: t0 is the real clock, and a minute may end between the reports.
      expect((await analytics.series(t0 + 4_000, t0 + 4_001, "minute"))[0]!.ingestKbps).toBe(3_000);

      // Three viewers, one rebuffering a tenth of the time: degraded at the next minute's check, once.
      for (const rebufferMs of [0, 0, 9_000]) await qoe.record(qoeReport("studio", { rebufferMs, watchedMs: 21_000 }), new Date(t0 + 5_000).toISOString());
      const minute = Math.floor(t0 / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
      await analytics.runScheduled(minute);
      await analytics.runScheduled(minute + MINUTE_MS);
      expect((await health()).slice(2)).toEqual([expect.objectContaining({ health: "degraded", previous: "healthy", reason: "viewers_rebuffering" })]);
      expect((await analytics.sessions(`${room}/obs`, 1, 0)).sessions[0]).toMatchObject({ health: "degraded", ingestKbps: 3_000 });
    });
  });
});
