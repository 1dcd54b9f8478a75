import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createApp, createTenant, createUser, login } from "../../../testing.ts";

const report = (fields: Record<string, unknown> = {}) => ({
  viewId: `view_${crypto.randomUUID().replaceAll("-", "")}`,
  room: "lobby",
  path: "webrtc",
  firstFrameMs: 850,
  rebufferMs: 0,
  rebufferCount: 0,
  watchedMs: 15_000,
  errors: [],
  final: false,
  ...fields,
});

/** Posts a report as players do: no credential, from one address. */
const send = (app: string, body: unknown, options: { type?: string; peer?: string } = {}) =>
  api("POST", `/api/v1/apps/${app}/qoe`, {
    token: null,
    peer: options.peer ?? "192.0.2.50:1",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "Content-Type": options.type ?? "application/json" },
  });

const views = (app: string, query = "") => api("GET", `/api/v1/apps/${app}/qoe${query}`);

describe("quality-of-experience reports", () => {
  describe("happy", () => {
    it("take a player's report without a credential, as JSON or as a beacon's text/plain, with CORS", async () => {
      const app = await createApp();
      const json = await send(app.name, report());
      expect(json.status).toBe(202);
      expect(json.body).toEqual({ data: { accepted: true }, error: null });
      expect(json.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect((await send(app.name, report({ path: "hls" }), { type: "text/plain;charset=UTF-8" })).status).toBe(202);

      const listed = await views(app.name);
      expect(listed.status).toBe(200);
      expect(listed.body.data.total).toBe(2);
      expect(listed.body.data.summary).toMatchObject({ views: 2, medianFirstFrameMs: 850, byPath: { webrtc: 1, hls: 1, none: 0 }, rebufferRatio: 0 });
    });

    it("update one row a view as its reports come, and filter and page the list", async () => {
      const app = await createApp();
      const view = report({ firstFrameMs: null, watchedMs: 0 });
      await send(app.name, view);
      await send(app.name, { ...view, firstFrameMs: 1200, watchedMs: 30_000, rebufferMs: 1_000, rebufferCount: 1 });
      await send(app.name, { ...view, watchedMs: 60_000, rebufferMs: 1_000, rebufferCount: 1, errors: ["hls_stall"], final: true });
      await send(app.name, report({ room: "other" }));

      const lobby = (await views(app.name, "?room=lobby")).body.data;
      expect(lobby.total).toBe(1);
      expect(lobby.views[0]).toMatchObject({ viewId: view.viewId, room: "lobby", firstFrameMs: 1200, watchedMs: 60_000, rebufferMs: 1_000, errors: ["hls_stall"], final: true });
      expect(lobby.summary.rebufferRatio).toBeCloseTo(1_000 / 61_000);

      const paged = (await views(app.name, "?limit=1&offset=1")).body.data;
      expect(paged).toMatchObject({ total: 2, limit: 1, offset: 1 });
      expect(paged.views).toHaveLength(1);
      expect((await views(app.name, `?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body.data.total).toBe(0);
    });

    it("are taken with public playback off too (viewers then play with tokens)", async () => {
      const app = await createApp();
      await api("PATCH", `/api/v1/apps/${app.name}`, { json: { features: { publicPlayback: false } } });
      expect((await send(app.name, report())).status).toBe(202);
    });

    it("are pruned by the app's daily retention after 90 days", async () => {
      const app = await createApp();
      await send(app.name, report({ room: "old" }));
      await send(app.name, report({ room: "new" }));
      const actor = env.APP.get(env.APP.idFromName(app.name));
      await runInDurableObject(actor, (_instance, state) => {
        state.storage.sql.exec("UPDATE qoe_views SET started_at = ? WHERE room = 'old'", new Date(Date.now() - 91 * 86_400_000).toISOString());
        state.storage.sql.exec("UPDATE schedule SET due_at = 0 WHERE task = 'retention'");
      });
      await runDurableObjectAlarm(actor);
      expect((await views(app.name)).body.data.views.map((v: any) => v.room)).toEqual(["new"]);
    });
  });

  describe("errors", () => {
    it("is a 404 for an app that does not exist", async () => {
      for (const name of ["no-such-app", "NOT_AN_APP"]) {
        const response = await send(name, report());
        expect(response.status, name).toBe(404);
        expect(response.body.error.code).toBe("app_not_found");
      }
    });

    it("refuses anything that is not a report with a 400, never a 500, and stores nothing of it", async () => {
      const app = await createApp();
      const bad: [string, unknown][] = [
        ["no view id", report({ viewId: undefined })],
        ["short view id", report({ viewId: "abc" })],
        ["view id with a slash", report({ viewId: "a/".repeat(10) })],
        ["no room", report({ room: undefined })],
        ["bad room", report({ room: "a room" })],
        ["unknown path", report({ path: "rtmp" })],
        ["first frame too late", report({ firstFrameMs: 600_001 })],
        ["negative rebuffering", report({ rebufferMs: -1 })],
        ["fractional count", report({ rebufferCount: 1.5 })],
        ["string watch time", report({ watchedMs: "10" })],
        ["eleven errors", report({ errors: Array.from({ length: 11 }, (_, i) => `e${i}`) })],
        ["an error that is not a code", report({ errors: ["Not A Code"] })],
        ["final as a string", report({ final: "yes" })],
        ["over 2 KB", report({ padding: "x".repeat(2_100) })],
        ["an array", [report()]],
        ["null", null],
        ["a string", "report"],
      ];
      for (const [why, body] of bad) {
        const response = await send(app.name, JSON.stringify(body));
        expect(response.status, why).toBe(400);
        expect(response.body.error.code, why).toBe("validation_failed");
      }
      expect((await send(app.name, "{not json", { type: "text/plain" })).body.error.code).toBe("malformed_json");
      expect((await send(app.name, "", { type: "text/plain" })).status).toBe(400);
      expect((await send(app.name, JSON.stringify(report()), { type: "text/html" })).status).toBe(415);
      expect((await views(app.name)).body.data.total).toBe(0);
    });

    it("ignores fields it does not know, so that newer players keep reporting", async () => {
      const app = await createApp();
      expect((await send(app.name, report({ bitrateKbps: 2500 }))).status).toBe(202);
      expect((await views(app.name)).body.data.views[0]).not.toHaveProperty("bitrateKbps");
    });

    it("validates the list's query", async () => {
      const app = await createApp();
      for (const query of ["?limit=0", "?limit=501", "?offset=-1", "?since=yesterday", "?room=a%20room"]) {
        expect((await views(app.name, query)).status, query).toBe(400);
      }
    });
  });

  describe("security", () => {
    it("the list needs a credential that may read the app; another tenant's app is a 404", async () => {
      const tenant = await createTenant();
      const app = await createApp(tenant.id);
      await send(app.name, report());
      const viewer = await createUser(tenant.id, "viewer");
      const stranger = await createUser((await createTenant()).id, "owner");

      expect((await api("GET", `/api/v1/apps/${app.name}/qoe`, { token: null })).status).toBe(401);
      expect((await api("GET", `/api/v1/apps/${app.name}/qoe`, { token: await login(viewer.email, viewer.password) })).body.data.total).toBe(1);
      const foreign = await api("GET", `/api/v1/apps/${app.name}/qoe`, { token: await login(stranger.email, stranger.password) });
      expect(foreign.status).toBe(404);
      expect(foreign.body.error.code).toBe("app_not_found");
    });

    it("are rate-limited per app and client address, with Retry-After", async () => {
      const app = await createApp();
      for (let i = 0; i < 120; i++) expect((await send(app.name, report(), { peer: "192.0.2.77:1" })).status).toBe(202);
      const limited = await send(app.name, report(), { peer: "192.0.2.77:1" });
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe("too_many_requests");
      expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
      expect((await send(app.name, report(), { peer: "192.0.2.78:1" })).status).toBe(202);
      expect((await send((await createApp()).name, report(), { peer: "192.0.2.77:1" })).status).toBe(202);
    });

    it("leave no audit row, in the app or the global log, and so no address", async () => {
      const app = await createApp();
      expect((await send(app.name, report())).status).toBe(202);
      expect((await send(app.name, report({ path: "nowhere" }))).status).toBe(400);
      const audited = [
        ...(await api("GET", `/api/v1/apps/${app.name}/audit?limit=100`)).body.data,
        ...(await api("GET", `/api/v1/audit?app=${app.name}&limit=100`)).body.data,
      ];
      expect(audited.filter((entry: any) => entry.path.endsWith("/qoe"))).toEqual([]);
    });
  });
});
