import { describe, expect, it } from "vitest";
import type { WithDriver } from "../../core/db/migrate.suite.ts";
import { migrate } from "../../core/db/migrate.ts";
import { sql } from "../../core/db/sql.ts";
import { ApiTokensRepository } from "./api-tokens.repo.ts";
import { AppsRepository, type AppRecord } from "./apps.repo.ts";
import { registryMigrations } from "./migrations.ts";
import { NodesRepository } from "./nodes.repo.ts";

const T0 = "2026-01-01T00:00:00.000Z";
const T1 = "2026-01-02T00:00:00.000Z";

const newApp = (name: string, roomPrefix = name) => ({ name, displayName: `App ${name}`, roomPrefix, tenantId: null });

/** The Registry's repositories, run against each driver implementation. */
export function registryRepositorySuite(name: string, withDriver: WithDriver) {
  describe(`Registry repositories: ${name}`, () => {
    it("creates, reads and lists apps", () =>
      withDriver(async (db) => {
        await migrate(db, registryMigrations);
        const apps = new AppsRepository(db);
        const demo = (await apps.insert(newApp("demo"), T0)) as AppRecord;
        expect(demo).toEqual({
          id: 1,
          name: "demo",
          displayName: "App demo",
          livekitRoomPrefix: "demo",
          tenantId: null,
          createdAt: T0,
          updatedAt: T0,
          settingsJson: "{}",
          settings: {},
        });
        await apps.insert(newApp("second"), T0);
        await apps.insert(newApp("third"), T0);
        expect(await apps.findByName("demo")).toEqual(demo);
        expect(await apps.findByName("nope")).toBeNull();
        const page = await apps.list({}, 2, 1);
        expect(page.total).toBe(3);
        expect(page.apps.map((a) => a.name)).toEqual(["second", "third"]);
      }));

    it("finds the app a LiveKit room belongs to by its prefix", () =>
      withDriver(async (db) => {
        await migrate(db, registryMigrations);
        const apps = new AppsRepository(db);
        await apps.insert(newApp("acme"), T0);
        await apps.insert(newApp("beta", "beta-live"), T0);
        expect((await apps.findByRoom("acme"))?.name).toBe("acme");
        expect((await apps.findByRoom("acme-show"))?.name).toBe("acme");
        expect((await apps.findByRoom("acme-show-2-b"))?.name).toBe("acme");
        expect((await apps.findByRoom("beta-live-x"))?.name).toBe("beta");
        expect(await apps.findByRoom("beta-x")).toBeNull();
        expect(await apps.findByRoom("acmeshow")).toBeNull();
        expect(await apps.findByRoom("x-acme")).toBeNull();
      }));

    it("reports a taken name or room prefix as a conflict value and stores nothing", () =>
      withDriver(async (db) => {
        await migrate(db, registryMigrations);
        const apps = new AppsRepository(db);
        await apps.insert(newApp("demo"), T0);
        expect(await apps.insert(newApp("demo", "other"), T0)).toBe("app_exists");
        expect(await apps.insert(newApp("other", "demo"), T0)).toBe("room_prefix_taken");
        expect((await apps.list({}, 10, 0)).total).toBe(1);
      }));

    it("finds overlapping room prefixes both ways, by the prefix index, ignoring the app itself", () =>
      withDriver(async (db) => {
        await migrate(db, registryMigrations);
        const apps = new AppsRepository(db);
        await apps.insert(newApp("acme", "acme-prod-eu"), T0);
        for (const taken of ["acme-prod-eu", "acme-prod", "acme", "acme-prod-eu-2", "acme-prod-eu-2-b"]) {
          expect([taken, await apps.prefixOverlaps(taken, null)]).toEqual([taken, true]);
        }
        for (const free of ["acme-pro", "acme-prod-e", "acme-prod-eu2", "acme-prodeu", "acm", "acmeprod", "prod-eu", "b"]) {
          expect([free, await apps.prefixOverlaps(free, null)]).toEqual([free, false]);
        }
        expect(await apps.prefixOverlaps("acme-prod", "acme")).toBe(false);
        // Prefixes may end in "-" or hold "--": the same two rules, no surprises.
        await apps.insert(newApp("dash", "x-"), T0);
        for (const [prefix, taken] of [["x--y", true], ["x", true], ["x-", true], ["x-y", false], ["x--", true], ["xy", false]] as const) {
          expect([prefix, await apps.prefixOverlaps(prefix, null)]).toEqual([prefix, taken]);
        }
        expect(await apps.update("acme", { roomPrefix: "acme" }, T1)).toMatchObject({ livekitRoomPrefix: "acme" });
      }));

    it("merges settings on update and keeps what was not given", () =>
      withDriver(async (db) => {
        await migrate(db, registryMigrations);
        const apps = new AppsRepository(db);
        await apps.insert(newApp("demo"), T0);
        await apps.update("demo", { settings: { recordingEnabled: true } }, T0);
        const updated = await apps.update("demo", { displayName: "Demo", settings: { splitMinutes: 30 } }, T1);
        expect(updated).toMatchObject({
          displayName: "Demo",
          livekitRoomPrefix: "demo",
          updatedAt: T1,
          createdAt: T0,
          settings: { recordingEnabled: true, splitMinutes: 30 },
        });
        expect(await apps.update("missing", { displayName: "x" }, T1)).toBeNull();
        await apps.insert(newApp("other"), T0);
        expect(await apps.update("demo", { roomPrefix: "other" }, T1)).toBe("room_prefix_taken");
        expect((await apps.findByName("demo"))?.livekitRoomPrefix).toBe("demo");
      }));

    it("deletes an app with its tokens and leaves other apps' tokens alone", () =>
      withDriver(async (db) => {
        await migrate(db, registryMigrations);
        const apps = new AppsRepository(db);
        const tokens = new ApiTokensRepository(db);
        const demo = (await apps.insert(newApp("demo"), T0)) as AppRecord;
        const other = (await apps.insert(newApp("other"), T0)) as AppRecord;
        const token = (id: string, appId: number | null) => ({
          id,
          name: id,
          tokenHash: `hash-${id}`,
          scope: appId === null ? ("global" as const) : ("app" as const),
          appId,
          tenantId: null,
          allowedIps: [],
        });
        await tokens.insert(token("t-demo", demo.id), T0);
        await tokens.insert(token("t-other", other.id), T0);
        await tokens.insert(token("t-global", null), T0);

        expect(await apps.isRetired("demo")).toBe(false);
        expect(await apps.delete("demo", T1)).toBe(true);
        expect(await apps.delete("demo", T1)).toBe(false);
        expect(await apps.findByName("demo")).toBeNull();
        const left = await db.all<{ id: string }>(sql`SELECT id FROM api_tokens ORDER BY id`);
        expect(left.map((t) => t.id)).toEqual(["t-global", "t-other"]);
        // A new app never reuses a deleted app's id.
        expect(((await apps.insert(newApp("demo"), T1)) as AppRecord).id).toBe(3);
        // Its name was retired (the caller clears the old database) until it is unretired.
        expect(await apps.isRetired("demo")).toBe(true);
        expect(await apps.isRetired("other")).toBe(false);
        await apps.unretire("demo");
        expect(await apps.isRetired("demo")).toBe(false);
      }));

    it("finds active tokens by hash only, and revoked ones only for seeding", () =>
      withDriver(async (db) => {
        await migrate(db, registryMigrations);
        const tokens = new ApiTokensRepository(db);
        await tokens.insert({ id: "t1", name: "bootstrap", tokenHash: "h1", scope: "global", appId: null, tenantId: null, allowedIps: ["10.0.0.0/8"] }, T0);
        expect(await tokens.findActiveByHash("h1")).toMatchObject({ id: "t1", scope: "global", allowed_ips_json: '["10.0.0.0/8"]' });
        await db.run(sql`UPDATE api_tokens SET revoked_at = ${T1} WHERE id = 't1'`);
        expect(await tokens.findActiveByHash("h1")).toBeNull();
        expect(await tokens.findByHash("h1")).toMatchObject({ id: "t1", revoked_at: T1 });
      }));

    it("upserts cluster nodes by name and keeps an operator's draining or disabled through joins and heartbeats", () =>
      withDriver(async (db) => {
        await migrate(db, registryMigrations);
        const nodes = new NodesRepository(db);
        const first = await nodes.join({ id: "n1", name: "lk-1", ip: "10.0.0.1", region: "eu", url: "wss://lk1" }, T0);
        expect(first).toEqual({ created: true, node: expect.objectContaining({ id: "n1", status: "active", lastSeenAt: T0, statsJson: "{}" }) });
        const again = await nodes.join({ id: "n2", name: "lk-1", ip: "10.0.0.9", region: null, url: null }, T1);
        // Same node; what the agent did not send is kept.
        expect(again).toEqual({ created: false, node: expect.objectContaining({ id: "n1", ip: "10.0.0.9", region: "eu", url: "wss://lk1", lastSeenAt: T1 }) });
        expect(await nodes.update("n1", { status: "draining" }, T1)).toMatchObject({ status: "draining" });
        expect(await nodes.heartbeat("n1", '{"rooms":2}', T1)).toMatchObject({ status: "draining", statsJson: '{"rooms":2}' });
        expect((await nodes.join({ id: "n3", name: "lk-1", ip: "10.0.0.9", region: null, url: null }, T1)).node.status).toBe("draining");
        expect(await nodes.heartbeat("missing", null, T1)).toBeNull();
        await nodes.join({ id: "n4", name: "lk-2", ip: "10.0.0.2", region: null, url: null }, T1);
        expect(await nodes.update("n4", { name: "lk-1" }, T1)).toBe("node_name_taken");
        expect(await nodes.count()).toBe(2);
        expect(await nodes.delete("n4")).toBe(true);
        expect((await nodes.list()).map((node) => node.id)).toEqual(["n1"]);
      }));
  });
}
