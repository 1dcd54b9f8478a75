import { describe, expect, it } from "vitest";
import { defaultSamplePages } from "./sample-pages.ts";
import { SAMPLE_MAX_BYTES, Samples, SAMPLES_MAX } from "./samples.ts";
import { withHost } from "./testing.ts";

const DEFAULTS = ["conference.html", "hls.html", "play.html", "publish.html"];

describe("Samples capability", () => {
  it("writes the default pages for the app at their first use, and nothing before", async () => {
    await withHost(async (host) => {
      const samples = new Samples(host);
      const { name } = await host.identity();
      expect(await host.db.all({ text: "SELECT name FROM samples", params: [] })).toEqual([]);

      const page = await samples.get("play.html");
      expect(page?.content).toContain(`<streamhub-player id="player" app="${name}"`);
      expect(page).toMatchObject({ name: "play.html", generated: true, sizeBytes: new TextEncoder().encode(page!.content).byteLength });
      expect((await samples.list()).map((s) => s.name)).toEqual(DEFAULTS);
      expect(await samples.get("missing.html")).toBeNull();
      expect(await samples.get("../secrets")).toBeNull();
    });
  });

  it("keeps edits and added pages; regenerate restores the defaults and leaves added pages alone", async () => {
    await withHost(async (host) => {
      const samples = new Samples(host);
      // Written before the defaults exist: the defaults do not replace it.
      expect(await samples.put("play.html", "<p>mine</p>")).toEqual({ ok: true });
      expect((await samples.get("play.html"))?.content).toBe("<p>mine</p>");
      expect(await samples.put("extra.js", "console.log(1)")).toEqual({ ok: true });
      expect((await samples.list()).map((s) => [s.name, s.generated])).toEqual([
        ["conference.html", true],
        ["extra.js", false],
        ["hls.html", true],
        ["play.html", true],
        ["publish.html", true],
      ]);

      expect(await samples.regenerate()).toEqual(DEFAULTS);
      const { name } = await host.identity();
      expect((await samples.get("play.html"))?.content).toBe(defaultSamplePages(name)["play.html"]);
      expect((await samples.get("extra.js"))?.content).toBe("console.log(1)");
    });
  });

  it("refuses bad names, oversized pages and more pages than the limit, as values", async () => {
    await withHost(async (host) => {
      const samples = new Samples(host);
      expect(await samples.put("Bad.html", "x")).toEqual({ ok: false, code: "invalid_name" });
      expect(await samples.put("a.php", "x")).toEqual({ ok: false, code: "invalid_name" });
      // The limit is in UTF-8 bytes: 2 bytes a character here.
      expect(await samples.put("big.html", "é".repeat(SAMPLE_MAX_BYTES / 2))).toEqual({ ok: true });
      expect(await samples.put("big.html", "é".repeat(SAMPLE_MAX_BYTES / 2 + 1))).toEqual({ ok: false, code: "too_large" });

      for (let i = (await samples.list()).length; i < SAMPLES_MAX; i++) expect(await samples.put(`page-${i}.css`, "a{}")).toEqual({ ok: true });
      expect(await samples.put("one-more.css", "a{}")).toEqual({ ok: false, code: "too_many" });
      // At the limit, a page that exists can still be changed.
      expect(await samples.put("big.html", "small")).toEqual({ ok: true });
    });
  });

  it("escapes the app's name wherever a page shows it", () => {
    const pages = defaultSamplePages(`x"></script><script>alert(1)</script>`);
    for (const content of Object.values(pages)) {
      expect(content).not.toContain("<script>alert(1)");
      expect(content).not.toContain(`x"></script>`);
    }
    expect(pages["publish.html"]).toContain(`const APP = "x\\"\\u003e\\u003c/script\\u003e`);
    expect(pages["play.html"]).toContain(`app="x&quot;&gt;&lt;/script&gt;`);
  });
});
