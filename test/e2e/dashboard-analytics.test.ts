// Issue 13 item 6: the dashboard shows the analytics history as charts, in
// Debian's Chromium against a running StreamHub wired to the LiveKit stand-in
// (its signed webhooks drive the stream). A tenant's viewer — the least role
// that may read — first meets the empty state that teaches; then a stream
// with two viewers goes live: its details link to its session report (peak 2
// so far), and once it has ended the viewers chart reads a peak of 2 from its
// written summary, its table and its keyboard slider, the session report says
// peak 2, and both CSV downloads carry the numbers. axe-core on every state;
// screenshots to dist/screenshots/dashboard/.
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveKitStandin } from "../livekit/standin.ts";
import { launchChromium } from "./browser.ts";
import { screenshot, seriousViolations } from "./dashboard-axe.ts";
import { call, removeDataDir, startStreamHub, until, type RunningStreamHub } from "./harness.ts";

const KEY = "APIe2edashboardcharts";
const SECRET = "e2e-dashboard-charts-secret-0123456789abc";
const TOKEN = "sk_dashboard_charts_token_0123456789abcdefg";
const VIEWER = { email: "analyst@charts.test", password: "a-long-reading-password-1" };
// Also the name of a link on the overview ("Charts"): links to the app are matched exactly, or a click made before
// the apps page replaced the overview finds two.
const APP = "charts";
const STREAM = `${APP}-show/host`;

let standin: LiveKitStandin;
let node: RunningStreamHub;
let browser: Browser;

const api = (method: string, path: string, json?: unknown) => call(node.url, method, path, { token: TOKEN, json });
const context = () => node.output().slice(-2000);

beforeAll(async () => {
  standin = new LiveKitStandin({ apiKey: KEY, apiSecret: SECRET });
  const livekitUrl = await standin.listen();
  node = await startStreamHub({ env: { STREAMHUB_API_TOKEN: TOKEN, LIVEKIT_URL: livekitUrl, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET } });
  standin.setWebhookUrl(`${node.url}/api/v1/webhooks/livekit`);
  browser = await launchChromium();
  expect((await api("POST", "/api/v1/tenants", { id: "charts", name: "Charts", plan: "pro" })).status).toBe(201);
  expect((await api("POST", "/api/v1/users", { email: VIEWER.email, password: VIEWER.password, tenantId: "charts", role: "viewer" })).status).toBe(201);
  expect((await api("POST", "/api/v1/apps", { name: APP, tenantId: "charts" })).status).toBe(201);
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await node?.stop();
  if (node) removeDataDir(node.dataDir);
  await standin?.close();
});

async function signIn(): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true })).newPage();
  await page.goto(node.url);
  await page.getByLabel("Email (or the admin user)").fill(VIEWER.email);
  await page.getByLabel("Password").fill(VIEWER.password);
  await page.getByLabel("Password").press("Enter");
  await page.getByRole("heading", { name: "Overview" }).waitFor();
  return page;
}

async function checkScreen(page: Page, name: string) {
  await screenshot(page, `analytics-${name}`);
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
}

/** A download the page starts with a click, as text. */
async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent("download"), click()]);
  return { name: download.suggestedFilename(), text: readFileSync((await download.path())!, "utf8") };
}

describe("the dashboard's analytics: history as charts and session reports (issue 13 item 6)", () => {
  it("teaches when there is no history, then shows a stream with two viewers: peak 2 in the chart, its table and slider, the session report and the CSVs", async () => {
    const page = await signIn();
    await page.getByRole("link", { name: "Apps" }).click();
    await page.getByRole("link", { name: APP, exact: true }).click();
    await page.getByRole("navigation", { name: "This app" }).getByRole("link", { name: "Analytics and session reports" }).click();

    // Nothing was ever live: say when numbers appear and how long each resolution is kept.
    const history = page.getByRole("region", { name: "Live numbers over time" });
    await history.getByText("No history in this range yet.").waitFor();
    await history.getByText("Numbers appear once a stream has been live in this app").waitFor();
    await history.getByText("Minutes are kept for 7 days").waitFor();
    await checkScreen(page, "empty");

    // A stream with two viewers: a signed-in one and a public play token's.
    const publisher = (await api("POST", `/api/v1/apps/${APP}/tokens`, { room: "show", identity: "host" })).body.data;
    await standin.join(publisher.token);
    await standin.publish(`${APP}-show`, "host");
    await standin.join((await api("POST", `/api/v1/apps/${APP}/tokens`, { room: "show", identity: "fan", canPublish: false })).body.data.token);
    await standin.join((await call(node.url, "GET", `/api/v1/apps/${APP}/play-token/show`)).body.data.token);

    // From the stream's details on the app's page to its session report, live: peak 2 so far.
    await page.getByRole("link", { name: APP, exact: true }).click();
    const row = page.locator("tr[data-stream]").filter({ hasText: "host" });
    await row.locator("td.viewers").getByText("2", { exact: true }).waitFor();
    // The app's figures now (GET /apps/{app}/stats) and the node's on the overview (GET /stats), refreshed by themselves.
    await page.getByLabel("This app now").getByText(/^Now: 1 live stream, 2 viewers, /).waitFor({ timeout: 15_000 });
    await page.getByRole("link", { name: "Overview" }).click();
    await page.getByText("1 stream, 2 viewers", { exact: true }).waitFor({ timeout: 15_000 });
    await page.getByRole("link", { name: "Apps" }).click();
    await page.getByRole("link", { name: APP, exact: true }).click();
    await row.getByRole("button", { name: "Details of host in show" }).click();
    await page.getByRole("region", { name: `Stream ${STREAM}` }).getByRole("link", { name: "Session reports of this stream" }).click();
    const sessions = page.getByRole("region", { name: `Sessions of ${STREAM}` });
    const session = sessions.locator("tr[data-session]");
    await session.getByText("live now").waitFor();
    expect(await session.locator("td.peak").textContent()).toBe("2");
    await checkScreen(page, "live-session");

    // Two viewers watch for three seconds, then the stream ends: its minute is written at once.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await standin.leave(`${APP}-show`, "host");
    await until("the session ended", async () => (await api("GET", `/api/v1/apps/${APP}/streams/${encodeURIComponent(STREAM)}/sessions`)).body.data[0]?.status, (s) => s === "ended", { context });
    await page.reload();

    // The viewers chart: a written summary, the numbers as a table, and a slider over the points.
    const viewers = page.getByRole("figure", { name: "Viewers" });
    await viewers.getByText(/^Peak 2 viewers at /).waitFor();
    await page.getByRole("figure", { name: "Live streams" }).getByText(/^Peak 1 stream at /).waitFor();
    await page.getByRole("figure", { name: "Publishers" }).getByText(/^Peak 1 publisher at /).waitFor();
    await page.getByRole("figure", { name: "Ingest bitrate" }).getByText("No ingest bitrate reported in this range").waitFor();
    await viewers.getByRole("button", { name: /^Show as a table/ }).click();
    const cells = await viewers.getByRole("table").locator("tbody td").allTextContents();
    expect(cells).toHaveLength(60);
    expect(Math.max(...cells.map(Number))).toBe(2);
    const slider = viewers.getByRole("slider", { name: "Viewers, one point per minute" });
    await slider.focus();
    await page.keyboard.press("End");
    const last = Number(await slider.getAttribute("aria-valuenow"));
    expect(last).toBe(59);
    // Back from the minute under way to the one that peaked at 2 (the stream ended within the last two minutes).
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      seen.push((await slider.getAttribute("aria-valuetext")) ?? "");
      await page.keyboard.press("ArrowLeft");
    }
    expect(seen.some((text) => / 2 viewers$/.test(text)), seen.join(" | ")).toBe(true);
    expect(Number(await slider.getAttribute("aria-valuenow"))).toBe(56);

    // The ended session's report: peak 2, two unique viewers, watch minutes.
    await session.getByText("live now").waitFor({ state: "detached" });
    expect(await session.locator("td.peak").textContent()).toBe("2");
    await page.getByRole("status").filter({ hasText: "Sessions 1–1 of 1" }).waitFor();
    await checkScreen(page, "history");

    // The CSVs, fetched with the session's token and saved.
    const series = await downloaded(page, () => page.getByRole("region", { name: "Live numbers over time" }).getByRole("button", { name: "Download CSV", exact: true }).click());
    expect(series.name).toMatch(/^charts-analytics-minute-.*\.csv$/);
    const lines = series.text.trim().split("\r\n");
    expect(lines[0]).toBe("ts,streams,viewers,publishers,ingestKbps");
    expect(lines.slice(1).some((line) => line.split(",")[2] === "2")).toBe(true);
    const report = await downloaded(page, () => page.getByRole("button", { name: `Download CSV of the sessions of ${STREAM}` }).click());
    const [header, first] = report.text.trim().split("\r\n");
    const peak = header!.split(",").indexOf("peakViewers");
    expect(peak).toBeGreaterThan(0);
    expect(first!.split(",")[peak]).toBe("2");

    // Hourly ranges: the choice is in the URL (a reload keeps it) and says how it is kept.
    // A click, not check(): the range lives in the URL, so the radio is checked once the navigation lands (awaited below).
    await history.getByRole("radio", { name: "Last 7 days" }).click();
    await history.getByText("A point an hour").waitFor();
    // The hour under way counts from its minutes before it is rolled up.
    await viewers.getByText(/^Peak 2 viewers at /).waitFor();
    expect(await viewers.getByRole("slider").getAttribute("aria-label")).toBe("Viewers, one point per hour");
    expect(new URL(page.url()).searchParams.get("range")).toBe("7d");
    await page.reload();
    expect(await history.getByRole("radio", { name: "Last 7 days" }).isChecked()).toBe(true);
    await checkScreen(page, "hourly");
    await page.context().close();
  });
});
