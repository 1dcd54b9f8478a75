import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";

describe("Registry log retention", () => {
  it("prunes server log and audit rows older than LOG_RETENTION_DAYS on its daily alarm", async () => {
    const registry = env.REGISTRY.get(env.REGISTRY.idFromName("registry"));
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const fresh = new Date().toISOString();
    await runInDurableObject(registry, (_instance, state) => {
      for (const ts of [old, fresh]) {
        state.storage.sql.exec("INSERT INTO server_logs (ts, level, source, message) VALUES (?, 'info', 'test', ?)", ts, `retention-${ts}`);
        state.storage.sql.exec("INSERT INTO audit_log (ts, actor, method, path, status, request_id) VALUES (?, 'test', 'POST', ?, 200, 'r')", ts, `/retention/${ts}`);
      }
      // A day has passed.
      state.storage.sql.exec("UPDATE schedule SET due_at = ? WHERE task = 'retention'", Date.now() - 1);
    });
    expect(await runDurableObjectAlarm(registry)).toBe(true);
    const left = await runInDurableObject(registry, (_instance, state) => ({
      logs: state.storage.sql.exec("SELECT ts FROM server_logs WHERE source = 'test'").toArray().map((r) => r.ts),
      audit: state.storage.sql.exec("SELECT ts FROM audit_log WHERE actor = 'test'").toArray().map((r) => r.ts),
    }));
    expect(left.logs).toEqual([fresh]);
    expect(left.audit).toEqual([fresh]);
    // And again in a day.
    expect(await registry.scheduledAt("retention")).toBeGreaterThan(Date.now() + 86_400_000 - 60_000);
  });
});
