import { env, runDurableObjectAlarm } from "cloudflare:test";
import { registry } from "../../core/actors.ts";
import { describe, expect, it } from "vitest";

const ledger = () => env.QUOTA.get(env.QUOTA.newUniqueId());

describe("QuotaLedger", () => {
  it("grants exactly the limit to 200 concurrent reservations", async () => {
    const tenant = ledger();
    const results = await Promise.all(
      Array.from({ length: 200 }, () => tenant.reserve({ metric: "maxConcurrentStreams", amount: 1, limit: 5, enforce: true })),
    );
    const granted = results.filter((r) => r.ok);
    expect(granted).toHaveLength(5);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(195);
    expect(refused.every((r) => !r.ok && r.code === "quota_exceeded" && r.used === 5 && r.limit === 5)).toBe(true);
  });

  it("keeps tenants apart: one tenant at its limit does not stop another", async () => {
    const full = ledger();
    const other = ledger();
    expect((await full.reserve({ metric: "maxApps", amount: 1, limit: 1, enforce: true })).ok).toBe(true);
    expect((await full.reserve({ metric: "maxApps", amount: 1, limit: 1, enforce: true })).ok).toBe(false);
    expect((await other.reserve({ metric: "maxApps", amount: 1, limit: 1, enforce: true })).ok).toBe(true);
  });

  it("counts committed usage; a release gives the slot back; -1 is unlimited", async () => {
    const tenant = ledger();
    const first = await tenant.reserve({ metric: "maxApps", amount: 1, limit: 2, enforce: true });
    const second = await tenant.reserve({ metric: "maxApps", amount: 1, limit: 2, enforce: true });
    if (!first.ok || !second.ok) throw new Error("expected two grants");
    expect(await tenant.commit(first.reservationId)).toBe(true);
    expect(await tenant.commit(first.reservationId)).toBe(false);
    expect(await tenant.release(second.reservationId)).toBe(true);
    expect(await tenant.usage()).toEqual({ maxApps: { committed: 1, pending: 0 } });

    expect((await tenant.reserve({ metric: "maxApps", amount: 1, limit: 2, enforce: true })).ok).toBe(true);
    expect(await tenant.reserve({ metric: "maxApps", amount: 1, limit: 2, enforce: true })).toMatchObject({ ok: false, used: 2 });
    expect((await tenant.reserve({ metric: "maxApps", amount: 1, limit: -1, enforce: true })).ok).toBe(true);
  });

  it("in log mode grants over the limit and says so", async () => {
    const tenant = ledger();
    await tenant.reserve({ metric: "maxApps", amount: 1, limit: 1, enforce: true });
    const over = await tenant.reserve({ metric: "maxApps", amount: 1, limit: 1, enforce: false });
    expect(over).toMatchObject({ ok: true, overLimit: true, used: 1, limit: 1 });
  });

  it("lets an abandoned reservation lapse on the alarm", async () => {
    const tenant = ledger();
    const held = await tenant.reserve({ metric: "maxApps", amount: 1, limit: 1, enforce: true, holdMs: 200 });
    expect(held.ok).toBe(true);
    expect((await tenant.reserve({ metric: "maxApps", amount: 1, limit: 1, enforce: true })).ok).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The alarm may already have fired on its own; either way it has run by now.
    await runDurableObjectAlarm(tenant);
    expect(await tenant.usage()).toEqual({});
    expect((await tenant.reserve({ metric: "maxApps", amount: 1, limit: 1, enforce: true })).ok).toBe(true);
  });

  it("gives usage back with adjust, never below zero, and reconciles to a true count", async () => {
    const tenant = ledger();
    await tenant.adjust("maxApps", 3);
    await tenant.adjust("maxApps", -1);
    expect((await tenant.usage()).maxApps).toEqual({ committed: 2, pending: 0 });
    await tenant.adjust("maxApps", -10);
    expect((await tenant.usage()).maxApps).toEqual({ committed: 0, pending: 0 });
    await tenant.reconcile("maxApps", 4);
    expect((await tenant.usage()).maxApps).toEqual({ committed: 4, pending: 0 });
  });

  it("knows the tenant's limits: read from the Registry once, told at once when they change", async () => {
    const tenantId = `ledger-limits-${Date.now()}`;
    await registry(env).createTenant({ id: tenantId, name: "Limits", plan: "free" });
    await registry(env).updateTenant(tenantId, { quotas: { maxConcurrentStreams: 1 } });
    const tenant = env.QUOTA.get(env.QUOTA.idFromName(tenantId));
    const reserve = () => tenant.reserve({ metric: "maxConcurrentStreams", quota: "maxConcurrentStreams", tenantId, amount: 1, enforce: true });
    expect(await reserve()).toMatchObject({ ok: true, limit: 1 });
    expect(await reserve()).toMatchObject({ ok: false, limit: 1, used: 1 });
    await registry(env).updateTenant(tenantId, { quotas: { maxConcurrentStreams: 3 } });
    expect(await reserve()).toMatchObject({ ok: true, limit: 3, used: 1 });
    expect(await tenant.limitOf(tenantId, "maxApps")).toBe(2);
  });

  it("keeps pending usage as a running sum through reserve, commit, release and lapse", async () => {
    const tenant = ledger();
    const held = await Promise.all([1, 2, 3].map((amount) => tenant.reserve({ metric: "m", amount, limit: -1, enforce: true, holdMs: amount === 3 ? 100 : 60_000 })));
    expect((await tenant.usage()).m).toEqual({ committed: 0, pending: 6 });
    if (!held[0]!.ok || !held[1]!.ok) throw new Error("expected grants");
    await tenant.commit(held[0]!.reservationId);
    await tenant.release(held[1]!.reservationId);
    expect((await tenant.usage()).m).toEqual({ committed: 1, pending: 3 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await runDurableObjectAlarm(tenant);
    expect((await tenant.usage()).m).toEqual({ committed: 1, pending: 0 });
  });

  it("holds one slot per holder: a second reservation for it shares the first, and the stream that starts commits it", async () => {
    const tenant = ledger();
    const reserve = (holder: string) => tenant.reserve({ metric: "maxConcurrentStreams", amount: 1, limit: 2, enforce: true, holder });
    const first = await reserve("publisher:r/host");
    expect(first).toMatchObject({ ok: true, shared: false, used: 0 });
    const again = await reserve("publisher:r/host");
    expect(again).toMatchObject({ ok: true, shared: true, used: 0 });
    expect(again.ok && first.ok && again.reservationId === first.reservationId).toBe(true);
    expect((await tenant.usage()).maxConcurrentStreams).toEqual({ committed: 0, pending: 1 });
    expect(await reserve("publisher:r/guest")).toMatchObject({ ok: true, shared: false, used: 1 });
    expect(await reserve("publisher:r/third")).toMatchObject({ ok: false, used: 2, limit: 2 });

    expect(await tenant.commitHeld("publisher:r/host", "maxConcurrentStreams")).toBe(true);
    expect((await tenant.usage()).maxConcurrentStreams).toEqual({ committed: 1, pending: 1 });
    // Nothing held (lapsed, or never minted here): the stream is counted all the same.
    expect(await tenant.commitHeld("publisher:r/unknown", "maxConcurrentStreams")).toBe(false);
    expect((await tenant.usage()).maxConcurrentStreams).toEqual({ committed: 2, pending: 1 });
  });

  it("replaces a lapsed hold the alarm has not cleared yet", async () => {
    const tenant = ledger();
    const reserve = (holdMs: number) => tenant.reserve({ metric: "maxConcurrentStreams", amount: 1, limit: 1, enforce: true, holder: "publisher:r/late", holdMs });
    const first = await reserve(50);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const second = await reserve(60_000);
    expect(second).toMatchObject({ ok: true, shared: false, used: 0 });
    expect(first.ok && second.ok && first.reservationId !== second.reservationId).toBe(true);
    expect((await tenant.usage()).maxConcurrentStreams).toEqual({ committed: 0, pending: 1 });
  });

  it("stores reservations decided together in one commit, each answered only once stored; one holder gets one slot", async () => {
    const tenant = ledger();
    const results = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => tenant.reserve({ metric: "maxConcurrentStreams", amount: 1, limit: 10, enforce: true, holder: `publisher:r/p${i % 5}` })),
    ]);
    // Five holders, four tokens each: five slots, shared.
    expect(results.every((r) => r.ok)).toBe(true);
    expect(new Set(results.map((r) => (r.ok ? r.reservationId : null))).size).toBe(5);
    expect(results.filter((r) => r.ok && !r.shared)).toHaveLength(5);
    expect((await tenant.usage()).maxConcurrentStreams).toEqual({ committed: 0, pending: 5 });
    // Every one of them is in the database: committing by holder finds it.
    for (let i = 0; i < 5; i++) expect(await tenant.commitHeld(`publisher:r/p${i}`, "maxConcurrentStreams")).toBe(true);
    expect((await tenant.usage()).maxConcurrentStreams).toEqual({ committed: 5, pending: 0 });
  });
});
