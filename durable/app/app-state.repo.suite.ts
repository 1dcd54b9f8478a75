import { describe, expect, it } from "vitest";
import type { WithDriver } from "../../core/db/migrate.suite.ts";
import { migrate } from "../../core/db/migrate.ts";
import { appMigrations } from "./migrations.ts";
import { AppStateRepository } from "./app-state.repo.ts";

/** The app actor's repository, run against each driver implementation. */
export function appStateRepositorySuite(name: string, withDriver: WithDriver) {
  describe(`App state repository: ${name}`, () => {
    it("upserts config values as JSON", () =>
      withDriver(async (db) => {
        await migrate(db, appMigrations);
        const state = new AppStateRepository(db);
        expect(await state.getConfig("identity")).toBeNull();
        await state.putConfig("identity", { name: "demo", roomPrefix: "demo" }, "t0");
        await state.putConfig("identity", { name: "demo", roomPrefix: "live" }, "t1");
        expect(await state.getConfig("identity")).toEqual({ name: "demo", roomPrefix: "live" });
      }));

    it("stores, replaces, lists and deletes sealed secrets", () =>
      withDriver(async (db) => {
        await migrate(db, appMigrations);
        const state = new AppStateRepository(db);
        await state.putSealedSecret("s3", "v1.a.b", "t0");
        await state.putSealedSecret("callbackSecret", "v1.c.d", "t0");
        await state.putSealedSecret("s3", "v1.e.f", "t1");
        expect(await state.getSealedSecret("s3")).toBe("v1.e.f");
        expect(await state.secretNames()).toEqual(["callbackSecret", "s3"]);
        await state.deleteSecret("s3");
        expect(await state.getSealedSecret("s3")).toBeNull();
        expect(await state.secretNames()).toEqual(["callbackSecret"]);
      }));
  });
}
