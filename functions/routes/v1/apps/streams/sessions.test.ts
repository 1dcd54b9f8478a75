import { describe, expect, it } from "vitest";
import { api, createApp, createTenant, createToken, createUser, livekit, login } from "../../../../testing.ts";

/** Goes live in `room` as `identity`, with `viewers` viewers (join tokens that publish nothing); returns the stream id. */
async function goLive(app: string, room: string, identity: string, viewers: string[]) {
  const publisher = (await api("POST", `/api/v1/apps/${app}/tokens`, { json: { room, identity } })).body.data;
  await livekit("join", { token: publisher.token });
  await livekit("publish", { room: publisher.room, identity });
  for (const viewer of viewers) await livekit("join", { token: (await api("POST", `/api/v1/apps/${app}/tokens`, { json: { room, identity: viewer, canPublish: false } })).body.data.token });
  return { room: publisher.room as string, streamId: `${publisher.room}/${identity}` };
}

const sessionsOf = (app: string, streamId: string, query = "", headers: Record<string, string> = {}) =>
  api("GET", `/api/v1/apps/${app}/streams/${encodeURIComponent(streamId)}/sessions${query}`, { headers });

/** A player's QoE report on a view of `room` (as viewers name it, unprefixed). */
const report = (app: string, room: string, fields: Record<string, unknown>) =>
  api("POST", `/api/v1/apps/${app}/qoe`, {
    token: null,
    json: { viewId: crypto.randomUUID().replaceAll("-", ""), room, path: "webrtc", firstFrameMs: 600, watchedMs: 30_000, ...fields },
    peer: "192.0.2.80:1",
  });

describe("GET /api/v1/apps/{app}/streams/{id}/sessions", () => {
  describe("happy", () => {
    it("reports each time the stream was live: peak 2, unique viewers, watch minutes and its viewers' QoE, newest first", async () => {
      const app = await createApp();
      const { room, streamId } = await goLive(app.name, "show", "host", ["fan-1", "fan-2"]);
      await report(app.name, "show", { firstFrameMs: 400 });
      await report(app.name, "show", { path: "hls", firstFrameMs: 2_000, rebufferMs: 3_000, rebufferCount: 2 });

      const live = await sessionsOf(app.name, streamId);
      expect(live.status).toBe(200);
      expect(live.body).toMatchObject({ total: 1, limit: 50, offset: 0, error: null });
      expect(live.body.data[0]).toMatchObject({ status: "live", peakViewers: 2, uniqueViewers: 2, endedAt: null });

      await livekit("leave", { room, identity: "fan-2" });
      await livekit("leave", { room, identity: "host" });
      const ended = (await sessionsOf(app.name, streamId)).body.data[0];
      expect(ended).toMatchObject({
        streamId,
        room,
        type: "webrtc",
        status: "ended",
        endReason: "unpublished",
        peakViewers: 2,
        uniqueViewers: 2,
        health: "healthy",
        qoe: { views: 2, medianFirstFrameMs: 400, p95FirstFrameMs: 2_000, hlsFallbacks: 1, failed: 0 },
      });
      expect(ended.qoe.rebufferRatio).toBeCloseTo(3_000 / 63_000, 3);
      // (The arithmetic of watch time is checked to the second in durable/app/analytics.test.ts; here it ran for milliseconds.)
      expect(ended.watchMinutes).toBeGreaterThanOrEqual(0);
      expect(ended.watchMinutes).toBeLessThanOrEqual((2 * (Date.parse(ended.endedAt) - Date.parse(ended.startedAt))) / 60_000 + 0.01);
      expect(ended.avgViewers).toBeGreaterThan(0);
      expect(ended.avgViewers).toBeLessThanOrEqual(2);

      // Live again: a second session, listed first; paging and the total.
      await livekit("join", { token: (await api("POST", `/api/v1/apps/${app.name}/tokens`, { json: { room: "show", identity: "host" } })).body.data.token });
      await livekit("publish", { room, identity: "host" });
      const both = await sessionsOf(app.name, streamId, "?limit=1");
      expect(both.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
      expect(both.body.data[0]).toMatchObject({ status: "live", peakViewers: 1 });
      expect((await sessionsOf(app.name, streamId, "?limit=1&offset=1")).body.data[0]).toMatchObject({ status: "ended", peakViewers: 2 });
      await livekit("leave", { room, identity: "host" });
    });

    it("answers CSV, by ?format=csv or by Accept, with the total in X-Total-Count", async () => {
      const app = await createApp();
      const { room, streamId } = await goLive(app.name, "csv", "host", ["v"]);
      await livekit("leave", { room, identity: "host" });
      for (const response of [await sessionsOf(app.name, streamId, "?format=csv"), await sessionsOf(app.name, streamId, "", { Accept: "text/csv, application/json;q=0.5" })]) {
        expect(response.status).toBe(200);
        expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
        expect(response.headers.get("X-Total-Count")).toBe("1");
        const [header, row, ...rest] = (response.body as string).split("\r\n");
        expect(header).toBe(
          "id,streamId,room,type,status,startedAt,endedAt,endReason,durationS,peakViewers,avgViewers,uniqueViewers,watchMinutes,ingestKbps,health,qoeViews,medianFirstFrameMs,p95FirstFrameMs,rebufferRatio,hlsFallbacks,failedViews",
        );
        expect(row).toContain(`,${streamId},${room},webrtc,ended,`);
        expect(rest).toEqual([""]);
      }
    });
  });

  describe("error", () => {
    it("is a 404 for a stream the app never had, a 400 for bad paging or format", async () => {
      const app = await createApp();
      const missing = await sessionsOf(app.name, "nowhere/nobody");
      expect([missing.status, missing.body.error.code]).toEqual([404, "stream_not_found"]);
      for (const query of ["?limit=0", "?limit=501", "?offset=-1", "?format=xlsx"]) {
        const response = await sessionsOf(app.name, "nowhere/nobody", query);
        expect([query, response.status, response.body.error.code]).toEqual([query, 400, "validation_failed"]);
      }
    });
  });

  describe("security", () => {
    it("is read with stream:read in the app's tenant, and is a 404 to another tenant or another app's token", async () => {
      const tenant = await createTenant({ maxApps: 5 });
      const app = await createApp(tenant.id);
      const sibling = await createApp(tenant.id);
      const other = await createTenant();
      const { room, streamId } = await goLive(app.name, "sec", "host", []);
      await livekit("leave", { room, identity: "host" });
      const path = `/api/v1/apps/${app.name}/streams/${encodeURIComponent(streamId)}/sessions`;
      const viewer = await createUser(tenant.id, "viewer");
      const stranger = await createUser(other.id, "owner");
      expect((await api("GET", path, { token: await login(viewer.email, viewer.password) })).body.total).toBe(1);
      expect((await api("GET", path, { token: await login(stranger.email, stranger.password) })).status).toBe(404);
      expect((await api("GET", path, { token: (await createToken({ name: "sibling", scope: "app", appId: sibling.name })).token })).status).toBe(404);
      expect((await api("GET", `${path}?format=csv`, { token: null })).status).toBe(401);
    });
  });
});
