import { describe, expect, it } from "vitest";
import { api, createApp } from "../testing.ts";

const CSP = "sandbox allow-scripts allow-same-origin allow-forms allow-popups allow-modals; frame-ancestors *";

const page = (path: string, headers: Record<string, string> = {}) => api("GET", path, { token: null, headers });

describe("GET /samples/{app}/{file}", () => {
  it("serves an app's default page to anyone, as HTML in the sandbox, frameable anywhere", async () => {
    const app = await createApp();
    const response = await page(`/samples/${app.name}/play.html`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("Content-Security-Policy")).toBe(CSP);
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("X-Frame-Options")).toBeNull();
    expect(response.body).toContain('<script type="module" src="/sdk/player.js"></script>');
    expect(response.body).toContain(`<streamhub-player id="player" app="${app.name}" autoplay muted controls>`);
    expect((await page(`/samples/${app.name}/hls.html`)).body).toContain(`app="${app.name}" play-order="hls"`);
    expect((await page(`/samples/${app.name}/conference.html`)).body).toContain("adaptor.joinRoom(room, streamId)");
  });

  it("is revalidated on every load: an edit shows at once, an unchanged page is a 304", async () => {
    const app = await createApp();
    const first = await page(`/samples/${app.name}/publish.html`);
    expect(first.headers.get("Cache-Control")).toBe("no-cache");
    const etag = first.headers.get("ETag")!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await page(`/samples/${app.name}/publish.html`, { "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe("");

    await api("PUT", `/api/v1/apps/${app.name}/samples/publish.html`, { json: { content: "<p>new</p>" } });
    const edited = await page(`/samples/${app.name}/publish.html`, { "If-None-Match": etag });
    expect(edited.status).toBe(200);
    expect(edited.body).toBe("<p>new</p>");
  });

  it("serves scripts and styles with their own types, without the page CSP", async () => {
    const app = await createApp();
    await api("PUT", `/api/v1/apps/${app.name}/samples/app.js`, { json: { content: "console.log(1)" } });
    await api("PUT", `/api/v1/apps/${app.name}/samples/app.css`, { json: { content: "body{}" } });
    const script = await page(`/samples/${app.name}/app.js`);
    expect(script.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
    expect(script.headers.get("Content-Security-Policy")).toBeNull();
    expect(script.body).toBe("console.log(1)");
    expect((await page(`/samples/${app.name}/app.css`)).headers.get("Content-Type")).toBe("text/css; charset=utf-8");
  });

  it("still serves the pages with public playback off (they then ask for a token)", async () => {
    const app = await createApp();
    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { features: { publicPlayback: false } } });
    const response = await page(`/samples/${app.name}/play.html`);
    expect(response.status).toBe(200);
    expect(response.body).toContain("token");
  });

  it("is the same JSON 404 for an unknown app, an unknown page and a name that cannot be one", async () => {
    const app = await createApp();
    for (const path of [
      "/samples/no-such-app/play.html",
      `/samples/${app.name}/nothing.html`,
      `/samples/${app.name}/PLAY.html`,
      `/samples/${app.name}/play.php`,
      `/samples/${app.name}/..%2Fplay.html`,
      "/samples/A/play.html",
    ]) {
      const response = await page(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("Content-Type"), path).toContain("application/json");
      expect(response.body.error, path).toMatchObject({ code: "not_found", message: "no such sample page" });
    }
  });

  it("stops serving a deleted app's pages", async () => {
    const app = await createApp();
    expect((await page(`/samples/${app.name}/play.html`)).status).toBe(200);
    expect((await api("DELETE", `/api/v1/apps/${app.name}`)).status).toBe(200);
    expect((await page(`/samples/${app.name}/play.html`)).status).toBe(404);
  });
});
