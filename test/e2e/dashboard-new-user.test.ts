// Issue 12's "done when", tried as a new user would, every step in Chromium
// through the dashboard (no API call drives it; the API is only asked
// afterwards what happened): a fresh StreamHub with the real LiveKit server,
// the admin it was configured with signs in and creates a tenant and its
// owner; the owner, in a browser of its own, creates an app, sets its bucket
// (a verifying S3 on loopback), adds a webhook endpoint (a receiver on
// 127.0.0.1) and sees the test ping in its delivery log, mints a token and
// publishes from the sample page, and watches the stream appear in the live
// list with its viewer count moving — without a reload.
import { createServer, type Server } from "node:http";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVerifyingS3, type VerifyingS3 } from "../s3/verifying-s3.ts";
import { screenshot, seriousViolations } from "./dashboard-axe.ts";
import { playerState, playing } from "./dashboard-player.ts";
import { call, until, type RunningStreamHub } from "./harness.ts";
import { startMediaStack, type MediaStack } from "./media-stack.ts";

const TOKEN = "sk_dashboard_new_user_token_0123456789abcdef";
const ADMIN = { user: "admin", password: "the-configured-admin-password-1" };
const OWNER = { email: "owner@acme.test", password: "the-owners-own-password-2" };
const APP = "acme-show";

let stack: MediaStack;
let node: RunningStreamHub;
let browser: Browser;
let s3: VerifyingS3;
let receiver: Server;
const received: { path: string; body: string }[] = [];

beforeAll(async () => {
  // A bucket and a webhook receiver on loopback: allowed here, as a test runs them there.
  stack = await startMediaStack({ STREAMHUB_API_TOKEN: TOKEN, ADMIN_USER: ADMIN.user, ADMIN_PASS: ADMIN.password, STREAMHUB_WEBHOOK_ALLOW_PRIVATE: "1", STREAMHUB_S3_ALLOW_PRIVATE: "1" });
  ({ node, browser } = stack);
  s3 = await startVerifyingS3({ buckets: ["acme-media"] });
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
}, 90_000);
afterAll(async () => {
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  await s3?.close();
  await stack?.close();
});

const api = (method: string, path: string) => call(node.url, method, path, { token: TOKEN });
const context = () => stack.logs();

async function signIn(browserContext: BrowserContext, user: string, password: string): Promise<Page> {
  const page = await browserContext.newPage();
  await page.goto(node.url);
  await page.getByRole("heading", { name: "Sign in to StreamHub" }).waitFor();
  await page.getByLabel("Email (or the admin user)").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Overview" }).waitFor();
  return page;
}

async function expectAccessible(page: Page, screen: string) {
  await screenshot(page, `new-user-${screen}`);
  expect(await seriousViolations(page), `axe on ${screen}`).toEqual([]);
}

describe("issue 12, done when: a new user's first stream, every step in the browser", () => {
  it("admin creates a tenant and owner; the owner creates an app, sets its bucket, gets a test ping, publishes from the sample page and watches the viewer count move", async () => {
    // The admin: a tenant, and its owner with a password.
    const adminContext = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const admin = await signIn(adminContext, ADMIN.user, ADMIN.password);
    await admin.getByRole("link", { name: "Team" }).click();
    await admin.getByLabel("Name", { exact: true }).fill("Acme Media");
    await admin.getByLabel("Id (optional)").fill("acme");
    await admin.getByRole("button", { name: "Create tenant" }).click();
    await admin.getByRole("status").getByRole("link", { name: "Acme Media" }).click();
    const members = admin.getByRole("region", { name: "Members" });
    await members.getByLabel("Email").fill(OWNER.email);
    await members.locator('select[name="role"]').selectOption("owner");
    await members.getByLabel(/^Password/).fill(OWNER.password);
    await members.getByRole("button", { name: "Add member" }).click();
    await members.getByRole("cell", { name: OWNER.email, exact: true }).waitFor();
    await expectAccessible(admin, "admin-tenant");

    // The owner, in a browser context of its own.
    const ownerContext = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const owner = await signIn(ownerContext, OWNER.email, OWNER.password);
    await owner.getByRole("region", { name: "Your tenant's usage against quota" }).locator('tr[data-tenant="acme"]').waitFor();
    await owner.getByRole("link", { name: "Apps" }).click();
    await owner.getByLabel("Name", { exact: true }).fill(APP);
    await owner.getByLabel("Display name").fill("Acme Show");
    await owner.getByRole("button", { name: "Create", exact: true }).click();
    await owner.getByRole("status").filter({ hasText: `Created ${APP}` }).waitFor();
    await owner.getByRole("row", { name: new RegExp(`^${APP} Acme Show`) }).getByRole("link", { name: APP }).click();
    await owner.getByRole("heading", { name: "Acme Show" }).waitFor();
    await owner.evaluate(() => ((globalThis as any).sameDocument = true));

    // Its bucket: the probe writes, reads and deletes in it before anything is saved.
    await owner.getByText("No bucket yet").waitFor();
    const storage = owner.getByRole("region", { name: "Recording storage" });
    await storage.getByRole("button", { name: "Set bucket" }).click();
    await storage.getByLabel("Provider").selectOption("minio");
    await storage.getByLabel("Endpoint (not for AWS)").fill(s3.url);
    await storage.getByLabel("Region").fill(s3.region);
    await storage.getByLabel("Bucket").fill("acme-media");
    await storage.getByLabel("Access key").fill(s3.credentials.accessKeyId);
    await storage.getByLabel("Secret").fill(s3.credentials.secretAccessKey);
    await storage.getByRole("button", { name: "Probe and save" }).click();
    await storage.getByRole("button", { name: "Change bucket" }).waitFor({ timeout: 20_000 });
    await storage.getByText("acme-media").first().waitFor();

    // A webhook endpoint: its secret shown once, then the test ping in its delivery log.
    const { port } = receiver.address() as { port: number };
    await owner.getByLabel("Endpoint URL").fill(`http://127.0.0.1:${port}/acme-hooks`);
    await owner.getByRole("button", { name: "Add endpoint" }).click();
    expect(await owner.getByLabel("Signing secret").inputValue()).toMatch(/^whsec_/);
    await owner.getByRole("button", { name: "I have saved it" }).click();
    await owner.getByRole("button", { name: "Send test ping" }).click();
    const ping = owner.locator('tr[data-delivery="webhook.test"]');
    await until("the test ping delivered in the log", () => ping.locator("td.status").textContent().catch(() => null), (status) => status === "delivered", { context, timeoutMs: 15_000 });
    expect(received.some((r) => r.path === "/acme-hooks" && r.body.includes("webhook.test"))).toBe(true);

    // A publisher token, and the sample page it links to: the page waits for a press.
    const tokens = owner.getByRole("region", { name: "Join token for testing" });
    await tokens.getByLabel("Room").fill("stage");
    await tokens.getByLabel("Identity (optional)").fill("presenter");
    await tokens.getByRole("button", { name: "Mint token" }).click();
    const [publisher] = await Promise.all([ownerContext.waitForEvent("page"), tokens.getByRole("link", { name: "Publish with it on the sample page" }).click()]);
    await until("the sample naming where it publishes", () => publisher.locator("#log").textContent(), (text) => /publishing goes to 127\.0\.0\.1:\d+/.test(text ?? ""), { context });
    await publisher.locator("#pick button").first().click();

    // The stream appears in the live list by itself, nobody watching yet.
    const row = owner.locator("tr[data-stream]").filter({ hasText: "presenter" });
    await until("the stream in the live list", () => row.count(), (n) => n === 1, { context, timeoutMs: 20_000 });
    expect(await row.locator("td").first().textContent()).toBe("stage");
    expect(await row.locator("td.viewers").textContent()).toBe("0");

    // A viewer opens the player the token result links to: the count moves, without a reload.
    const [viewer] = await Promise.all([ownerContext.waitForEvent("page"), tokens.getByRole("link", { name: "Open the player" }).click()]);
    await until(
      "the player live with frames",
      () => playerState(viewer),
      playing,
      { context, timeoutMs: 20_000 },
    );
    await until("the viewer count at 1", () => row.locator("td.viewers").textContent(), (text) => text === "1", { context, timeoutMs: 5_000 });
    await expectAccessible(owner, "owner-app-live");
    // As a person closing the tab: the page's unload handlers run (livekit-client leaves the room in them).
    await viewer.close({ runBeforeUnload: true });
    await until("the viewer count back at 0", () => row.locator("td.viewers").textContent(), (text) => text === "0", { context, timeoutMs: 5_000 });
    expect(await owner.evaluate(() => (globalThis as any).sameDocument)).toBe(true);

    // What the API says happened, all of it done in the browser.
    expect((await api("GET", `/api/v1/apps/${APP}`)).body.data).toMatchObject({ name: APP, tenantId: "acme" });
    expect((await api("GET", `/api/v1/apps/${APP}/s3`)).body.data).toMatchObject({ configured: true, bucket: "acme-media" });
    expect(s3.seen.filter((request) => request.verdict !== "ok")).toEqual([]);

    await publisher.close();
    await ownerContext.close();
    await adminContext.close();
  });
});
