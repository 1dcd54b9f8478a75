import { describe, expect, it } from "vitest";
import { api, createApp } from "../testing.ts";

const page = (path: string) => api("GET", path, { token: null });

describe("the player pages: /play and /embed", () => {
  it("render the player for the app's room, frameable anywhere, scripts only from here", async () => {
    const app = await createApp();
    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { displayName: "Friday <Show>" } });
    for (const kind of ["play", "embed"]) {
      const response = await page(`/${kind}/${app.name}/main`);
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
      const csp = response.headers.get("Content-Security-Policy")!;
      expect(csp).toContain("frame-ancestors *");
      // Only scripts with this response's nonce (and what they load): not the tenants' files under /samples.
      expect(csp).toMatch(/script-src 'nonce-[\w-]{22}' 'strict-dynamic'(;|$)/);
      // Connections to this origin and LiveKit's (the stand-in's, here), nowhere else.
      expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+ http:\/\/127\.0\.0\.1:\d+(;|$)/);
      expect(csp).toContain("worker-src 'self' blob:");
      expect(response.headers.get("X-Frame-Options")).toBeNull();
      const html = response.body as string;
      expect(html).toContain('<script type="module" src="/sdk/player.js"');
      expect(html).toContain(`<streamhub-player app="${app.name}" room="main" play-order="webrtc,hls" autoplay muted controls>`);
      expect(html).toContain("<title>Friday &#60;Show&#62; · main</title>");
    }
    // The full page shares its link and an iframe snippet; the embed is bare.
    expect((await page(`/play/${app.name}/main`)).body).toContain(`/embed/${app.name}/main`);
    expect((await page(`/embed/${app.name}/main`)).body).not.toContain('class="share"');
  });

  it("take the query parameters people use with other players, and ignore the rest", async () => {
    const app = await createApp();
    const html = (await page(`/embed/${app.name}/main?autoplay=0&controls=false&loop=1&muted=0&playOrder=hls&primaryColor=ff0066&poster=https://img.example.com/p.jpg&utm_source=x`)).body as string;
    expect(html).toContain(`<streamhub-player app="${app.name}" room="main" play-order="hls" loop poster="https://img.example.com/p.jpg" primary-color="#ff0066">`);
    // Values that are not what they should be fall back to the defaults, never into the page.
    const hostile = (await page(`/embed/${app.name}/main?playOrder=%22%3E%3Cscript%3E&primaryColor=red%22onload&poster=javascript:alert(1)&token=%22%3E`)).body as string;
    expect(hostile).toContain(`<streamhub-player app="${app.name}" room="main" play-order="webrtc,hls" autoplay muted controls>`);
    expect(hostile).not.toContain("javascript:");
    expect(hostile).not.toContain('"><script>');
    expect(hostile).not.toContain("onload");
  });

  it("wear the app's branding, which a page's own parameters override", async () => {
    const app = await createApp();
    const branded = await api("PATCH", `/api/v1/apps/${app.name}`, { json: { branding: { primaryColor: "#ff6600", logoUrl: "https://cdn.example.com/logo.png", posterUrl: "https://cdn.example.com/poster.jpg" } } });
    expect(JSON.parse(branded.body.data.settingsJson).branding).toEqual({ primaryColor: "#ff6600", logoUrl: "https://cdn.example.com/logo.png", posterUrl: "https://cdn.example.com/poster.jpg" });
    const html = (await page(`/play/${app.name}/main`)).body as string;
    expect(html).toContain('poster="https://cdn.example.com/poster.jpg" primary-color="#ff6600"');
    expect(html).toContain('<img class="logo" src="https://cdn.example.com/logo.png"');
    expect((await page(`/embed/${app.name}/main?primaryColor=00aa00`)).body).toContain('primary-color="#00aa00"');
    // Merged key by key; a bad value is refused and changes nothing.
    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { branding: { primaryColor: "#000000" } } });
    const refused = await api("PATCH", `/api/v1/apps/${app.name}`, { json: { branding: { logoUrl: "javascript:alert(1)" } } });
    expect(refused.status).toBe(400);
    expect(JSON.parse((await api("GET", `/api/v1/apps/${app.name}`)).body.data.settingsJson).branding).toEqual({ primaryColor: "#000000", logoUrl: "https://cdn.example.com/logo.png", posterUrl: "https://cdn.example.com/poster.jpg" });
  });

  it("with public playback off, ask for a token instead of failing; with one, play with it", async () => {
    const app = await createApp();
    await api("PATCH", `/api/v1/apps/${app.name}`, { json: { features: { publicPlayback: false } } });
    const closed = (await page(`/play/${app.name}/main`)).body as string;
    expect(closed).toContain("This stream is not public");
    expect(closed).not.toContain("<streamhub-player");
    const token = (await api("POST", `/api/v1/apps/${app.name}/tokens`, { json: { room: "main", identity: "guest", canPublish: false } })).body.data.token;
    const open = (await page(`/embed/${app.name}/main?token=${token}`)).body as string;
    expect(open).toContain(`token="${token}" ws-url="`);
  });

  it("are a 404 page for an unknown app or an impossible room", async () => {
    const app = await createApp();
    for (const path of ["/play/no-such-app/main", "/embed/no-such-app/main", `/play/${app.name}/${"r".repeat(121)}`, `/embed/${app.name}/bad%20room`]) {
      const response = await page(path);
      expect([path, response.status]).toEqual([path, 404]);
      expect(response.body).toContain("There is no stream here");
    }
  });
});
