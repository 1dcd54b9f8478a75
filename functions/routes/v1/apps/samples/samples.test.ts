import { describe, expect, it } from "vitest";
import { api, createApp, createTenant, createUser, login } from "../../../../testing.ts";

const DEFAULTS = ["conference.html", "hls.html", "play.html", "publish.html"];

describe("the samples API", () => {
  describe("happy", () => {
    it("lists the default pages of a new app, with where each is served", async () => {
      const app = await createApp();
      const response = await api("GET", `/api/v1/apps/${app.name}/samples`);
      expect(response.status).toBe(200);
      expect(response.body.error).toBeNull();
      expect(response.body.data.map((s: any) => s.name)).toEqual(DEFAULTS);
      const play = response.body.data.find((s: any) => s.name === "play.html");
      expect(play).toMatchObject({ generated: true, embedUrl: `http://streamhub.test/samples/${app.name}/play.html` });
      expect(play.sizeBytes).toBeGreaterThan(200);
    });

    it("reads a page, writes one, and lists what it wrote", async () => {
      const app = await createApp();
      const read = await api("GET", `/api/v1/apps/${app.name}/samples/publish.html`);
      expect(read.status).toBe(200);
      expect(read.body.data.file).toBe("publish.html");
      expect(read.body.data.content).toContain('<script src="/sdk/streamhub-adaptor.global.js"></script>');
      expect(read.body.data.content).toContain(`const APP = "${app.name}"`);

      const content = "<!doctype html><title>mine</title><p>é</p>";
      const put = await api("PUT", `/api/v1/apps/${app.name}/samples/my-page.html`, { json: { content } });
      expect(put.status).toBe(200);
      expect(put.body).toEqual({ data: { file: "my-page.html", saved: true }, error: null });
      expect((await api("GET", `/api/v1/apps/${app.name}/samples/my-page.html`)).body.data.content).toBe(content);
      const listed = (await api("GET", `/api/v1/apps/${app.name}/samples`)).body.data.find((s: any) => s.name === "my-page.html");
      expect(listed).toMatchObject({ generated: false, sizeBytes: new TextEncoder().encode(content).byteLength });
    });

    it("regenerates the defaults over edits, keeping the pages the app added", async () => {
      const app = await createApp();
      const original = (await api("GET", `/api/v1/apps/${app.name}/samples/play.html`)).body.data.content;
      await api("PUT", `/api/v1/apps/${app.name}/samples/play.html`, { json: { content: "edited" } });
      await api("PUT", `/api/v1/apps/${app.name}/samples/extra.css`, { json: { content: "body{}" } });

      const response = await api("POST", `/api/v1/apps/${app.name}/samples/regenerate`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ data: { regenerated: DEFAULTS }, error: null });
      expect((await api("GET", `/api/v1/apps/${app.name}/samples/play.html`)).body.data.content).toBe(original);
      expect((await api("GET", `/api/v1/apps/${app.name}/samples/extra.css`)).body.data.content).toBe("body{}");
    });
  });

  describe("errors", () => {
    it("is a 404 for a page that is not there, whatever its name", async () => {
      const app = await createApp();
      for (const file of ["nothing.html", "regenerate", "UPPER.html", "..%2Fetc"]) {
        const response = await api("GET", `/api/v1/apps/${app.name}/samples/${file}`);
        expect(response.status, file).toBe(404);
        expect(response.body.error.code, file).toBe("sample_not_found");
      }
    });

    it("refuses names it would not serve, pages over 256 KB and bodies that are not {content}", async () => {
      const app = await createApp();
      const put = (file: string, json: unknown) => api("PUT", `/api/v1/apps/${app.name}/samples/${file}`, { json });
      for (const file of ["Page.html", "page.php", "-page.html", "page.html.exe", `${"a".repeat(65)}.html`, "page"]) {
        const response = await put(file, { content: "x" });
        expect(response.status, file).toBe(400);
        expect(response.body.error.code, file).toBe("validation_failed");
      }
      expect((await put("page.html", { content: 1 })).body.error.code).toBe("validation_failed");
      expect((await put("page.html", { content: "x", extra: true })).body.error.code).toBe("validation_failed");
      expect((await put("page.html", {})).status).toBe(400);

      const tooLarge = await put("page.html", { content: "x".repeat(256 * 1024 + 1) });
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body.error.code).toBe("sample_too_large");
      expect((await put("page.html", { content: "x".repeat(256 * 1024) })).status).toBe(200);
      expect((await api("GET", `/api/v1/apps/${app.name}/samples`)).body.data.map((s: any) => s.name)).toContain("page.html");
    });

    it("keeps at most 50 pages an app", async () => {
      const app = await createApp();
      for (let i = 0; i < 50 - DEFAULTS.length; i++) expect((await api("PUT", `/api/v1/apps/${app.name}/samples/p${i}.js`, { json: { content: "1" } })).status).toBe(200);
      const refused = await api("PUT", `/api/v1/apps/${app.name}/samples/one-more.js`, { json: { content: "1" } });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe("sample_limit_reached");
      expect((await api("PUT", `/api/v1/apps/${app.name}/samples/p0.js`, { json: { content: "2" } })).status).toBe(200);
    });
  });

  describe("security", () => {
    it("lets a viewer read the pages but not write or regenerate them; an editor may", async () => {
      const tenant = await createTenant();
      const app = await createApp(tenant.id);
      const viewerUser = await createUser(tenant.id, "viewer");
      const viewer = await login(viewerUser.email, viewerUser.password);
      const editorUser = await createUser(tenant.id, "editor");
      const editor = await login(editorUser.email, editorUser.password);

      expect((await api("GET", `/api/v1/apps/${app.name}/samples`, { token: viewer })).status).toBe(200);
      expect((await api("GET", `/api/v1/apps/${app.name}/samples/play.html`, { token: viewer })).status).toBe(200);
      const write = await api("PUT", `/api/v1/apps/${app.name}/samples/play.html`, { token: viewer, json: { content: "defaced" } });
      expect(write.status).toBe(403);
      expect((await api("POST", `/api/v1/apps/${app.name}/samples/regenerate`, { token: viewer })).status).toBe(403);
      expect((await api("GET", `/api/v1/apps/${app.name}/samples/play.html`)).body.data.content).not.toBe("defaced");

      expect((await api("PUT", `/api/v1/apps/${app.name}/samples/play.html`, { token: editor, json: { content: "edited" } })).status).toBe(200);
    });

    it("is a 404 on another tenant's app, for reads and writes, and without a credential a 401", async () => {
      const app = await createApp((await createTenant()).id);
      const stranger = await createUser((await createTenant()).id, "owner");
      const token = await login(stranger.email, stranger.password);
      for (const [method, path, json] of [
        ["GET", "", undefined],
        ["GET", "/play.html", undefined],
        ["PUT", "/play.html", { content: "defaced" }],
        ["POST", "/regenerate", undefined],
      ] as const) {
        const response = await api(method, `/api/v1/apps/${app.name}/samples${path}`, { token, json });
        expect(response.status, `${method} ${path}`).toBe(404);
        expect(response.body.error.code).toBe("app_not_found");
        expect((await api(method, `/api/v1/apps/${app.name}/samples${path}`, { token: null, json })).status).toBe(401);
      }
      expect((await api("GET", `/api/v1/apps/${app.name}/samples/play.html`)).body.data.content).not.toBe("defaced");
    });
  });
});
