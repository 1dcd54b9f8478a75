import { describe, expect, it } from "vitest";
import type { TaskRunner } from "../lib/scheduler.ts";
import type { AppTask as Task } from "./host.ts";
import { withHost } from "./testing.ts";

const idle: Record<Task, TaskRunner> = {
  webhooks: async () => null,
  reconcile: async () => null,
  retention: async () => null,
  audit_forward: async () => null,
  analytics: async () => null,
};

describe("Scheduler: one alarm over one schedule table", () => {
  it("keeps the earliest time asked for each task, and arms the alarm to the earliest row", async () => {
    await withHost(async ({ scheduler, storage }) => {
      const now = Date.now();
      await scheduler.at("reconcile", now + 60_000);
      expect(await storage.getAlarm()).toBe(now + 60_000);
      await scheduler.at("reconcile", now + 90_000);
      expect(await scheduler.dueAt("reconcile")).toBe(now + 60_000);
      await scheduler.at("webhooks", now + 2_000);
      expect(await storage.getAlarm()).toBe(now + 2_000);
      await scheduler.at("reconcile", now + 1_000);
      expect(await scheduler.dueAt("reconcile")).toBe(now + 1_000);
      expect(await storage.getAlarm()).toBe(now + 1_000);
    });
  });

  it("runs only what is due, each once, and re-arms to what the tasks say is next", async () => {
    await withHost(async ({ scheduler, storage }) => {
      const now = Date.now();
      const ran: Task[] = [];
      await scheduler.at("webhooks", now - 1);
      await scheduler.at("reconcile", now - 1);
      await scheduler.at("retention", now + 3_600_000);
      const runners = {
        ...idle,
        webhooks: async () => (ran.push("webhooks"), null),
        reconcile: async (at: number) => (ran.push("reconcile"), at + 60_000),
        retention: async () => (ran.push("retention"), null),
      };
      expect((await scheduler.runDue(runners, now)).sort()).toEqual(["reconcile", "webhooks"]);
      expect(ran.sort()).toEqual(["reconcile", "webhooks"]);
      expect(await scheduler.dueAt("webhooks")).toBeNull();
      expect(await scheduler.dueAt("reconcile")).toBe(now + 60_000);
      expect(await storage.getAlarm()).toBe(now + 60_000);
    });
  });

  it("keeps work asked for while a task runs, and retries a task that failed", async () => {
    await withHost(async ({ scheduler }) => {
      const now = Date.now();
      await scheduler.at("webhooks", now - 1);
      await scheduler.at("audit_forward", now - 1);
      await scheduler.runDue(
        {
          ...idle,
          // New events arrive mid-run: the run's own "nothing left" must not erase them.
          webhooks: async () => {
            await scheduler.at("webhooks", now + 500);
            return null;
          },
          audit_forward: async () => {
            throw new Error("storage hiccup");
          },
        },
        now,
      );
      expect(await scheduler.dueAt("webhooks")).toBe(now + 500);
      const retry = await scheduler.dueAt("audit_forward");
      expect(retry).toBeGreaterThan(now + 20_000);
      expect(retry).toBeLessThan(Date.now() + 31_000);
    });
  });

  it("drops a cancelled task and re-arms to what is left (none: no alarm)", async () => {
    await withHost(async ({ scheduler, storage }) => {
      const now = Date.now();
      await scheduler.at("analytics", now + 60_000);
      await scheduler.at("retention", now + 3_600_000);
      await scheduler.cancel("analytics");
      expect(await scheduler.dueAt("analytics")).toBeNull();
      expect(await storage.getAlarm()).toBe(now + 3_600_000);
      await scheduler.cancel("retention");
      expect(await storage.getAlarm()).toBeNull();
      // Asked for again after a cancel, it is scheduled again.
      await scheduler.at("analytics", now + 120_000);
      expect(await storage.getAlarm()).toBe(now + 120_000);
    });
  });

  it("clears the alarm when nothing is left", async () => {
    await withHost(async ({ scheduler, storage, db }) => {
      await db.run({ text: "DELETE FROM schedule", params: [] });
      await scheduler.at("audit_forward", Date.now() - 1);
      await scheduler.runDue(idle);
      expect(await storage.getAlarm()).toBeNull();
    });
  });
});
