// /api/v1/docs renders in Debian's Chromium with every request off loopback
// refused: the viewer comes from the node's own assets, not a CDN.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.ts";
import { removeDataDir, startStreamHub, type RunningStreamHub } from "./harness.ts";

let node: RunningStreamHub;
let browser: Browser;

beforeAll(async () => {
  node = await startStreamHub({ env: { STREAMHUB_API_TOKEN: "sk_docs_offline_token_0123456789abcdefghij" } });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await node?.stop();
  if (node) removeDataDir(node.dataDir);
});

describe("the API docs without internet", () => {
  it("render every operation of the document, loading nothing from another host", async () => {
    const context = await browser.newContext();
    const refused: string[] = [];
    await context.route("**/*", (route) => {
      const { hostname } = new URL(route.request().url());
      if (hostname === "127.0.0.1" || hostname === "localhost") return route.continue();
      refused.push(route.request().url());
      return route.abort("internetdisconnected");
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));

    const response = await page.goto(`${node.url}/api/v1/docs`);
    expect(response?.status()).toBe(200);
    await page.locator(".swagger-ui .info .title").filter({ hasText: "StreamHub API" }).waitFor({ timeout: 15_000 });
    // An operation with two tags is shown under both: count each method and path once.
    const shown = await page.locator(".swagger-ui .opblock .opblock-summary").evaluateAll((summaries) =>
      summaries.map((summary) => `${summary.querySelector(".opblock-summary-method")?.textContent} ${summary.querySelector(".opblock-summary-path")?.getAttribute("data-path")}`),
    );
    const operations = new Set(shown).size;
    const documented = (await (await fetch(`${node.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, object> };
    const count = Object.values(documented.paths).reduce((sum, methods) => sum + Object.keys(methods).length, 0);
    expect(operations).toBe(count);
    expect(refused).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
