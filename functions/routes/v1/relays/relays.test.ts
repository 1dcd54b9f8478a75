import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createApp } from "../../../testing.ts";

const CLUSTER = { "X-Cluster-Token": (env as unknown as Record<string, string>).STREAMHUB_CLUSTER_TOKEN! };

describe("relay sidecar routes", () => {
  it("list the RTSP relays to run and take status reports for them", async () => {
    const app = await createApp();
    const camera = (await api("POST", `/api/v1/apps/${app.name}/ingress`, { json: { inputType: "rtsp", url: "rtsp://192.0.2.9/live", room: "door" } })).body.data;
    await api("POST", `/api/v1/apps/${app.name}/ingress`, { json: { inputType: "rtmp" } });

    const desired = (await api("GET", "/api/v1/relays", { token: null, headers: CLUSTER })).body.data.filter((r: any) => r.app === app.name);
    expect(desired).toEqual([{ id: camera.ingressId, app: app.name, room: `${app.name}-door`, sourceUrl: "rtsp://192.0.2.9/live", rtmpUrl: `${camera.url}/${camera.streamKey}` }]);

    const report = await api("POST", `/api/v1/relays/${camera.ingressId}/status`, { token: null, headers: CLUSTER, json: { app: app.name, status: "backoff", error: "connection refused", restarts: 3 } });
    expect(report.status).toBe(200);
    const view = (await api("GET", `/api/v1/apps/${app.name}/ingress/${camera.ingressId}`)).body.data;
    expect(view.relay).toMatchObject({ status: "backoff", error: "connection refused", restarts: 3 });
  });

  it("refuse a report for an ingress that is not an RTSP relay of that app", async () => {
    const app = await createApp();
    const rtmp = (await api("POST", `/api/v1/apps/${app.name}/ingress`, { json: { inputType: "rtmp" } })).body.data;
    const post = (id: string, appName: string) => api("POST", `/api/v1/relays/${id}/status`, { token: null, headers: CLUSTER, json: { app: appName, status: "running" } });
    expect((await post(rtmp.ingressId, app.name)).status).toBe(404);
    expect((await post("IN_missing", app.name)).status).toBe(404);
    expect((await post(rtmp.ingressId, "no-such-app")).status).toBe(404);
  });

  it("answer nothing without the cluster token", async () => {
    expect((await api("GET", "/api/v1/relays", { token: null })).status).toBe(401);
    expect((await api("GET", "/api/v1/relays", { token: null, headers: { "X-Cluster-Token": "nearly-the-token-0123456789" } })).status).toBe(401);
  });
});
