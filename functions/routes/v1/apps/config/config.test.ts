import { describe, expect, it } from "vitest";
import { api, createApp, createTenant, createUser, login } from "../../../../testing.ts";

// GET/PATCH /apps/{app}/config: the original StreamHub's adaptive/transcoding view.

describe("app config: happy", () => {
  it("GET shows the defaults of a new app", async () => {
    const app = await createApp();
    const response = await api("GET", `/api/v1/apps/${app.name}/config`);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({
      app: app.name,
      adaptive: true,
      layers: [
        { name: "high", height: 720 },
        { name: "med", height: 480 },
        { name: "low", height: 240 },
      ],
      rtmp: { enabled: true, transcode: true },
      features: { rtmpPassword: false, chat: false, reactions: false, viewerCounter: true, hiddenQc: true, adaptivePlayer: true, publicPlayback: true },
      transcoding: {
        enabled: false,
        encoding: "h264",
        vodAdaptive: false,
        vodRenditions: [],
        hwaccel: "auto",
        hwaccelResolved: { requested: "auto", effective: "cpu", type: "none", reason: expect.stringContaining("does not transcode") },
      },
    });
  });

  it("PATCH changes only what is given, answers the merged view, and GET keeps it", async () => {
    const app = await createApp();
    const patched = await api("PATCH", `/api/v1/apps/${app.name}/config`, {
      json: { adaptive: false, layers: [{ name: "high", height: 1080 }, { name: "low", height: 360 }], rtmpTranscode: false, hwaccel: "gpu", features: { chat: true } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({
      adaptive: false,
      layers: [{ name: "high", height: 1080 }, { name: "low", height: 360 }],
      rtmp: { transcode: false },
      features: { chat: true, adaptivePlayer: false, publicPlayback: true },
      transcoding: { hwaccel: "gpu", hwaccelResolved: { requested: "gpu", effective: "cpu" } },
    });
    expect((await api("GET", `/api/v1/apps/${app.name}/config`)).body.data).toEqual(patched.body.data);
    // The same features as PATCH /apps/{app} sees: one switch, not two.
    expect(JSON.parse((await api("GET", `/api/v1/apps/${app.name}`)).body.data.settingsJson).features).toMatchObject({ chat: true, adaptivePlayer: false });

    const again = await api("PATCH", `/api/v1/apps/${app.name}/config`, { json: { transcodingEnabled: false, encoding: "h264", vodAdaptive: false, vodRenditions: [] } });
    expect(again.body.data).toEqual(patched.body.data);
  });

  it("rtmpTranscode is the default of new RTMP ingresses' transcoding", async () => {
    const app = await createApp();
    await api("PATCH", `/api/v1/apps/${app.name}/config`, { json: { rtmpTranscode: false } });
    expect((await api("POST", `/api/v1/apps/${app.name}/ingress`, { json: { inputType: "rtmp" } })).body.data.transcoding).toBe(false);
    expect((await api("POST", `/api/v1/apps/${app.name}/ingress`, { json: { inputType: "rtmp", enableTranscoding: true } })).body.data.transcoding).toBe(true);
  });
});

describe("app config: errors", () => {
  it.each([
    [{}, "give at least one field"],
    [{ transcodingEnabled: true }, "transcodingEnabled: only false is possible: StreamHub does not transcode"],
    [{ encoding: "h264+vp8" }, "encoding: only"],
    [{ vodAdaptive: true }, "vodAdaptive: only false"],
    [{ vodRenditions: [{ height: 720, bitrateKbps: 2800 }] }, "vodRenditions: only []"],
    [{ layers: [] }, "layers"],
    [{ layers: Array.from({ length: 9 }, (_, i) => ({ name: `l${i}`, height: 100 + i })) }, "layers"],
    [{ layers: [{ name: "high", height: 0 }] }, "layers.0.height"],
    [{ layers: [{ name: "high", height: 720, fps: 30 }] }, "layers.0"],
    [{ hwaccel: "quantum" }, "hwaccel"],
    [{ features: { teleport: true } }, "features"],
    [{ recording: { enabled: true } }, "recording"],
    [{ adaptiv: true }, "adaptiv"],
  ])("PATCH %j → 400 naming the field, nothing changed", async (json, message) => {
    const app = await createApp();
    const before = (await api("GET", `/api/v1/apps/${app.name}/config`)).body.data;
    const response = await api("PATCH", `/api/v1/apps/${app.name}/config`, { json });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("validation_failed");
    expect(JSON.stringify(response.body.error)).toContain(message);
    expect((await api("GET", `/api/v1/apps/${app.name}/config`)).body.data).toEqual(before);
  });

  it("an unknown app is a 404 on both methods", async () => {
    expect((await api("GET", "/api/v1/apps/no-such-app/config")).body.error.code).toBe("app_not_found");
    expect((await api("PATCH", "/api/v1/apps/no-such-app/config", { json: { adaptive: true } })).body.error.code).toBe("app_not_found");
  });
});

describe("app config: security", () => {
  it("a viewer reads it but may not change it; an editor may; another tenant sees a 404; no credential is a 401", async () => {
    const tenant = await createTenant({ maxApps: 5 });
    const app = await createApp(tenant.id);
    const viewer = await login((await createUser(tenant.id, "viewer")).email, "a-long-test-password-1");
    const editor = await login((await createUser(tenant.id, "editor")).email, "a-long-test-password-1");
    const stranger = await login((await createUser((await createTenant()).id, "owner")).email, "a-long-test-password-1");
    const path = `/api/v1/apps/${app.name}/config`;

    expect((await api("GET", path, { token: viewer })).status).toBe(200);
    const refused = await api("PATCH", path, { token: viewer, json: { adaptive: false } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("forbidden");
    expect((await api("PATCH", path, { token: editor, json: { adaptive: false } })).body.data.adaptive).toBe(false);
    for (const method of ["GET", "PATCH"]) {
      expect((await api(method, path, { token: stranger, json: method === "PATCH" ? { adaptive: true } : undefined })).status).toBe(404);
      expect((await api(method, path, { token: null, json: method === "PATCH" ? { adaptive: true } : undefined })).status).toBe(401);
    }
    expect((await api("GET", path)).body.data.adaptive).toBe(false);
  });
});
