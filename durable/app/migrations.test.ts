import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ActorSqlDriver } from "../../core/db/actor-driver.ts";
import { migrate } from "../../core/db/migrate.ts";
import { appMigrations } from "./migrations.ts";

describe("app database migrations", () => {
  it("gives an app from before the schedule its work back, and forwards none of its old audit rows again", async () => {
    await runInDurableObject(env.APP.get(env.APP.newUniqueId()), async (_instance, state) => {
      await state.storage.deleteAll();
      const db = new ActorSqlDriver(state.storage);
      await migrate(db, appMigrations.slice(0, 7));
      const now = new Date().toISOString();
      await db.batch([
        { text: "INSERT INTO config (key, value_json, updated_at) VALUES ('identity', ?, ?)", params: [JSON.stringify({ name: "old", roomPrefix: "old", tenantId: "platform" }), now] },
        { text: "INSERT INTO audit_log (ts, actor, method, path, status, request_id) VALUES (?, 'a', 'POST', '/x', 201, 'r1'), (?, 'a', 'POST', '/y', 201, 'r2')", params: [now, now] },
      ]);
      await migrate(db, appMigrations);
      expect((await db.all<{ task: string; due_at: number }>({ text: "SELECT task, due_at FROM schedule ORDER BY task", params: [] }))).toEqual([
        { task: "reconcile", due_at: 0 },
        { task: "retention", due_at: 0 },
        { task: "webhooks", due_at: 0 },
      ]);
      expect(await db.one({ text: "SELECT value_json FROM config WHERE key = 'audit_forwarded'", params: [] })).toEqual({ value_json: "2" });
    });
  });

  it("schedules nothing for an actor that is not an app yet", async () => {
    await runInDurableObject(env.APP.get(env.APP.newUniqueId()), async (_instance, state) => {
      await state.storage.deleteAll();
      const db = new ActorSqlDriver(state.storage);
      await migrate(db, appMigrations);
      expect(await db.all({ text: "SELECT * FROM schedule", params: [] })).toEqual([]);
      expect(await db.one({ text: "SELECT * FROM config WHERE key = 'audit_forwarded'", params: [] })).toBeNull();
    });
  });
});
