import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createApp, createTenant, createToken, createUser, deliverWebhook, livekit, LIVEKIT_URL, login, type StandinWebhook } from "../../../testing.ts";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const actorOf = (name: string) => env.APP.get(env.APP.idFromName(name));
const iso = (ms: number) => new Date(ms).toISOString();

/** How far from a minute's edge a test starts: a stream's set-up with its webhooks takes seconds on a loaded machine. */
const EDGE_MARGIN_MS = 10_000;

/** Waits out the last EDGE_MARGIN_MS of a minute, so that what a test does next stays in one minute (and one hour). */
async function awayFromMinuteEdge() {
  const left = MINUTE_MS - (Date.now() % MINUTE_MS);
  if (left < EDGE_MARGIN_MS) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

/** A stream in `room` with two viewers (one with a join token, one with a public play token) and a QC monitor, then its end. */
async function streamWithTwoViewers(app: string, room: string) {
  const publisher = (await api("POST", `/api/v1/apps/${app}/tokens`, { json: { room, identity: "host" } })).body.data;
  await livekit("join", { token: publisher.token });
  await livekit("publish", { room: publisher.room, identity: "host" });
  await livekit("join", { token: (await api("POST", `/api/v1/apps/${app}/tokens`, { json: { room, identity: "fan", canPublish: false } })).body.data.token });
  const player = await livekit("join", { token: (await api("GET", `/api/v1/apps/${app}/play-token/${room}`, { token: null })).body.data.token });
  await livekit("join", { token: (await api("POST", `/api/v1/apps/${app}/tokens`, { json: { room, identity: "qc", hidden: true } })).body.data.token });
  return {
    room: publisher.room as string,
    identities: ["host", "fan", player.participant.identity as string, "qc"],
    end: () => livekit("leave", { room: publisher.room, identity: "host" }),
  };
}

describe("GET /api/v1/apps/{app}/analytics", () => {
  // Each of these may first wait out up to EDGE_MARGIN_MS of a minute, on top of its own work.
  describe("happy", { timeout: EDGE_MARGIN_MS + 15_000 }, () => {
    it("returns the minute series of the hour a stream with two viewers ran in, as JSON and as CSV", async () => {
      const app = await createApp();
      await awayFromMinuteEdge();
      const started = Date.now();
      const stream = await streamWithTwoViewers(app.name, "show");
      await stream.end();
      // Nothing is live: the minute was written with the stream's end, and no analytics task is left.
      expect(await runInDurableObject(actorOf(app.name), (instance) => instance.scheduledAt("analytics"))).toBeNull();

      const hour = Math.floor(started / HOUR_MS) * HOUR_MS;
      const response = await api("GET", `/api/v1/apps/${app.name}/analytics?from=${iso(hour)}&to=${iso(hour + HOUR_MS)}&resolution=minute`);
      expect(response.status).toBe(200);
      expect(response.body.data).toMatchObject({ app: app.name, resolution: "minute", from: iso(hour), to: iso(hour + HOUR_MS) });
      const points = response.body.data.points as { ts: string; streams: number; viewers: number; publishers: number; ingestKbps: number | null }[];
      expect(points).toHaveLength(60);
      const live = points.filter((p) => p.streams > 0);
      expect(live.length).toBeGreaterThanOrEqual(1);
      expect(Math.max(...live.map((p) => p.viewers))).toBe(2);
      expect(live[0]).toMatchObject({ ts: iso(Math.floor(started / MINUTE_MS) * MINUTE_MS), streams: 1, publishers: 1, ingestKbps: null });
      expect(points.filter((p) => p.streams === 0).every((p) => p.viewers === 0)).toBe(true);

      const csv = await api("GET", `/api/v1/apps/${app.name}/analytics?from=${iso(hour)}&to=${iso(hour + HOUR_MS)}&format=csv`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
      expect(csv.headers.get("Content-Disposition")).toMatch(/^attachment; filename="[\w.-]+\.csv"$/);
      const lines = (csv.body as string).trimEnd().split("\r\n");
      expect(lines[0]).toBe("ts,streams,viewers,publishers,ingestKbps");
      expect(lines).toHaveLength(61);
      expect(lines).toContain(`${live[0]!.ts},1,${live[0]!.viewers},1,`);

      // The Accept header decides when `format` is not given; `format` wins over it.
      const accepted = await api("GET", `/api/v1/apps/${app.name}/analytics`, { headers: { Accept: "text/csv" } });
      expect(accepted.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
      const overridden = await api("GET", `/api/v1/apps/${app.name}/analytics?format=json`, { headers: { Accept: "text/csv" } });
      expect(overridden.headers.get("Content-Type")).toMatch(/^application\/json/);
      expect(overridden.body.data.points).toHaveLength(60);
    });

    it("serves hours, the current one from its minutes before it is rolled up", async () => {
      const app = await createApp();
      await awayFromMinuteEdge();
      const stream = await streamWithTwoViewers(app.name, "hours");
      const now = Date.now();
      const response = await api("GET", `/api/v1/apps/${app.name}/analytics?resolution=hour&to=${iso(now + 1)}`);
      await stream.end();
      expect(response.status).toBe(200);
      const points = response.body.data.points;
      expect(points).toHaveLength(25);
      expect(points.at(-1)).toMatchObject({ ts: iso(Math.floor(now / HOUR_MS) * HOUR_MS), streams: 1, viewers: 2, publishers: 1 });
    });

    it("writes one row a minute from the alarm while a stream is live", async () => {
      const app = await createApp();
      // The real alarm must not come due while the test looks: it forces the run itself.
      await awayFromMinuteEdge();
      const stream = await streamWithTwoViewers(app.name, "alarm");
      const actor = actorOf(app.name);
      const due = await runInDurableObject(actor, (instance) => instance.scheduledAt("analytics"));
      expect(due! % MINUTE_MS).toBe(0);
      expect(due!).toBeGreaterThan(Date.now() - MINUTE_MS);
      const rows = () => runInDurableObject(actor, (_instance, state) => state.storage.sql.exec("SELECT COUNT(*) AS n FROM analytics_minutes").one().n);
      expect(await rows()).toBe(0);
      await runInDurableObject(actor, (_instance, state) => void state.storage.sql.exec("UPDATE schedule SET due_at = 0 WHERE task = 'analytics'"));
      await runDurableObjectAlarm(actor);
      expect(await rows()).toBe(1);
      expect(await runInDurableObject(actor, (instance) => instance.scheduledAt("analytics"))).toBe(Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS + MINUTE_MS);
      await stream.end();
    });
  });

  describe("error", () => {
    it("answers bad ranges and resolutions with a 400 and a machine code", async () => {
      const app = await createApp();
      const get = (query: string) => api("GET", `/api/v1/apps/${app.name}/analytics?${query}`);
      const instant = Date.now();
      const cases: [string, string][] = [
        ["resolution=second", "validation_failed"],
        ["from=yesterday", "validation_failed"],
        ["format=xml", "validation_failed"],
        [`from=${iso(Date.now())}&to=${iso(Date.now() - HOUR_MS)}`, "invalid_range"],
        // One instant read once: two reads of the clock can be a millisecond apart, which is a valid range.
        [`from=${iso(instant)}&to=${iso(instant)}`, "invalid_range"],
        [`from=${iso(Date.now() - 25 * HOUR_MS)}&resolution=minute`, "range_too_large"],
        [`from=${iso(Date.now() - 91 * 24 * HOUR_MS)}&resolution=hour`, "range_too_large"],
        ["from=1970-01-01T00:00:00Z&to=9999-12-31T00:00:00Z&resolution=hour", "range_too_large"],
      ];
      for (const [query, code] of cases) {
        const response = await get(query);
        expect([query, response.status, response.body.error?.code]).toEqual([query, 400, code]);
        // Errors stay JSON whatever was asked for.
        expect((await api("GET", `/api/v1/apps/${app.name}/analytics?${query}`, { headers: { Accept: "text/csv" } })).headers.get("Content-Type")).toMatch(/^application\/json/);
      }
      // The longest ranges allowed are served.
      // Both ends given, from one clock read: left to the server, the end is its own current minute's,
      // which a minute boundary between the two clock reads would push past 24 hours.
      const end = Math.floor(instant / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
      expect((await get(`from=${iso(end - 24 * HOUR_MS)}&to=${iso(end)}`)).body.data.points).toHaveLength(1440);
      expect((await get(`from=${iso(Date.now() - 89 * 24 * HOUR_MS)}&resolution=hour`)).status).toBe(200);
    });

    it("is a 404 for an app that does not exist", async () => {
      const response = await api("GET", "/api/v1/apps/no-such-app-here/analytics");
      expect([response.status, response.body.error.code]).toEqual([404, "app_not_found"]);
    });
  });

  describe("security", () => {
    it("is read by the app's tenant (viewers included) and is a 404 to another tenant or another app's token", async () => {
      const tenant = await createTenant({ maxApps: 5 });
      const app = await createApp(tenant.id);
      const sibling = await createApp(tenant.id);
      const other = await createTenant();
      const viewer = await createUser(tenant.id, "viewer");
      const stranger = await createUser(other.id, "owner");
      const path = `/api/v1/apps/${app.name}/analytics?format=csv`;
      expect((await api("GET", path, { token: await login(viewer.email, viewer.password) })).status).toBe(200);
      expect((await api("GET", path, { token: await login(stranger.email, stranger.password) })).status).toBe(404);
      expect((await api("GET", path, { token: (await createToken({ name: "sibling", scope: "app", appId: sibling.name })).token })).status).toBe(404);
      expect((await api("GET", path, { token: null })).status).toBe(401);
    });

    it("gives nothing of a deleted app to a new app of its name, not even the minute held in memory", async () => {
      const app = await createApp();
      const stream = await streamWithTwoViewers(app.name, "gone");
      expect((await api("DELETE", `/api/v1/apps/${app.name}`)).status).toBe(200);
      // Everyone leaves LiveKit's room meanwhile (its webhooks held back), so that the new app finds nothing live there.
      const held: StandinWebhook[] = [];
      for (const identity of stream.identities) {
        const response = await fetch(`${LIVEKIT_URL}/_test/leave`, { method: "POST", body: JSON.stringify({ room: stream.room, identity }) });
        held.push(...((await response.json()) as { webhooks: StandinWebhook[] }).webhooks);
      }
      await createApp(undefined, app.name);
      // The new app hears of them: a live change with nothing live, when what is held would be written.
      for (const webhook of held) expect((await deliverWebhook(webhook)).status).toBe(200);
      const points = (await api("GET", `/api/v1/apps/${app.name}/analytics`)).body.data.points;
      expect(points.filter((p: { streams: number; viewers: number }) => p.streams > 0 || p.viewers > 0)).toEqual([]);
      expect(await runInDurableObject(actorOf(app.name), (_instance, state) => state.storage.sql.exec("SELECT COUNT(*) AS n FROM analytics_minutes").one().n)).toBe(0);
    });
  });
});
