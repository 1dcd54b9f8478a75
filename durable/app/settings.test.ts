import { describe, expect, it } from "vitest";
import { registry } from "../../core/actors.ts";
import { Settings } from "./settings.ts";
import { withHost } from "./testing.ts";

const entry = (requestId: string) => ({ ts: new Date().toISOString(), actor: "token:tok_cap", via: "api_token", method: "POST", path: "/api/v1/apps/x/ingress", status: 201, ip: "203.0.113.1", requestId });

describe("Settings capability: the app's audit log", () => {
  it("writes to the app's own database and forwards to the global log in batches, once each", async () => {
    await withHost(async (host) => {
      const settings = new Settings(host);
      const identity = await host.identity();
      const global = async () => (await registry(host.env).listAudit({ app: identity.name }, 100, 0)).entries.map((e) => e.requestId).sort();

      await settings.appendAudit(entry("req_cap_1"));
      await settings.appendAudit(entry("req_cap_2"));
      expect((await settings.listAudit(10, 0)).total).toBe(2);
      // The global view is fed by the schedule, not by the request.
      expect(await host.scheduler.dueAt("audit_forward")).toBeLessThanOrEqual(Date.now());
      expect(await global()).toEqual([]);

      expect(await settings.forwardAudit(Date.now())).toBeNull();
      expect(await global()).toEqual(["req_cap_1", "req_cap_2"]);
      expect((await registry(host.env).listAudit({ app: identity.name }, 10, 0)).entries[0]).toMatchObject({ tenantId: identity.tenantId, app: identity.name });

      // A batch sent again (the actor died before moving its cursor) adds nothing.
      await host.db.run({ text: "UPDATE config SET value_json = '0' WHERE key = 'audit_forwarded'", params: [] });
      await settings.forwardAudit(Date.now());
      expect(await global()).toEqual(["req_cap_1", "req_cap_2"]);

      await settings.appendAudit(entry("req_cap_3"));
      await settings.forwardAudit(Date.now());
      expect(await global()).toEqual(["req_cap_1", "req_cap_2", "req_cap_3"]);
    });
  });

  it("forwards two calls that reused a client's X-Request-Id as two rows", async () => {
    await withHost(async (host) => {
      const settings = new Settings(host);
      const identity = await host.identity();
      await settings.appendAudit(entry("client-chosen-id"));
      await settings.appendAudit({ ...entry("client-chosen-id"), path: "/api/v1/apps/x/vods/v1" });
      await settings.forwardAudit(Date.now());
      expect((await registry(host.env).listAudit({ app: identity.name }, 10, 0)).total).toBe(2);
    });
  });

  it("prunes only rows the global log already has", async () => {
    await withHost(async (host) => {
      const settings = new Settings(host);
      await settings.appendAudit({ ...entry("req_old_1"), ts: "2020-01-01T00:00:00.000Z" });
      expect(await settings.pruneAudit(new Date().toISOString())).toBe(0);
      await settings.forwardAudit(Date.now());
      expect(await settings.pruneAudit(new Date().toISOString())).toBe(1);
    });
  });
});
