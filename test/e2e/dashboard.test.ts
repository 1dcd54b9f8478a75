// The dashboard (web/, served by the Worker from web/dist) in Debian's
// Chromium against a running StreamHub and the real LiveKit server: the
// break-glass admin signs in, creates an app, sees a stream that a test page
// publishes appear in the app's live list, and its viewer count move when a
// viewer joins — pushed by the app's actor, without a reload. Every screen
// passes axe-core (no serious or critical violations) and is screenshotted.
// Also: the checked-in API types are what this server's OpenAPI document gives.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_TYPES, apiTypesFor } from "../../selfhost/build-web.ts";
import { openPage, type PageServer } from "./browser.ts";
import { screenshot, seriousViolations } from "./dashboard-axe.ts";
import { playerState, playing } from "./dashboard-player.ts";
import { call, until, type RunningStreamHub } from "./harness.ts";
import { startMediaStack, type MediaStack } from "./media-stack.ts";


const TOKEN = "sk_dashboard_e2e_token_0123456789abcdefghijklm";
const ADMIN = { user: "admin", password: "dashboard-admin-password-0123" };
let stack: MediaStack;
let node: RunningStreamHub;
let pages: PageServer;
let browser: Browser;

beforeAll(async () => {
  // Webhook receivers and buckets on loopback are allowed here: the tests run them there.
  stack = await startMediaStack({ STREAMHUB_API_TOKEN: TOKEN, ADMIN_USER: ADMIN.user, ADMIN_PASS: ADMIN.password, STREAMHUB_WEBHOOK_ALLOW_PRIVATE: "1", STREAMHUB_S3_ALLOW_PRIVATE: "1" });
  ({ node, pages, browser } = stack);
}, 60_000);
afterAll(() => stack?.close());

const api = (method: string, path: string, json?: unknown) => call(node.url, method, path, { token: TOKEN, json });
const context = () => stack.logs();

/** A page in a browser context of its own (its own sessionStorage), signed in at `path`. */
async function signedIn(path: string, user = ADMIN.user, password = ADMIN.password): Promise<Page> {
  const browserContext = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await browserContext.newPage();
  await page.goto(`${node.url}${path}`);
  await page.getByLabel("Email (or the admin user)").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByLabel("Password").press("Enter");
  return page;
}

async function expectAccessible(page: Page, screen: string) {
  await screenshot(page, screen);
  expect(await seriousViolations(page), `axe on the ${screen} screen`).toEqual([]);
}

describe("the dashboard's API types", () => {
  it("are what openapi-typescript makes of this server's /api/v1/openapi.json (npm run web:types regenerates them)", async () => {
    const doc = (await call(node.url, "GET", "/api/v1/openapi.json")).body;
    expect(await apiTypesFor(doc), "web/src/api/schema.d.ts is stale: run npm run web:types").toBe(readFileSync(API_TYPES, "utf8"));
  });
});

describe("the dashboard in Chromium, against the real LiveKit server", () => {
  it("signs the admin in, creates an app, and shows its live streams with viewer counts pushed without a reload", async () => {
    const browserContext = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await browserContext.newPage();

    // A deep link while signed out: the sign-in form, then that screen.
    await page.goto(`${node.url}/apps`);
    await page.getByRole("heading", { name: "Sign in to StreamHub" }).waitFor();
    await expectAccessible(page, "sign-in");
    await page.getByLabel("Email (or the admin user)").fill(ADMIN.user);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "wrong user or password" }).waitFor();
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByLabel("Password").press("Enter");
    await page.getByRole("heading", { name: "Apps", exact: true }).waitFor();
    // Kept in sessionStorage, never localStorage (sample pages share the origin).
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
    expect(await page.evaluate(() => sessionStorage.getItem("streamhub.session"))).toMatch(/^ey/);

    // Create an app, by keyboard.
    await page.getByLabel("Name", { exact: true }).fill("showcase");
    await page.getByLabel("Display name").fill("The Showcase");
    await page.getByLabel("Display name").press("Enter");
    await page.getByRole("status").filter({ hasText: "Created showcase" }).waitFor();
    await page.getByRole("row", { name: /showcase The Showcase/ }).waitFor();
    await expectAccessible(page, "apps");

    // The overview: node health with LiveKit reachable, the app listed.
    await page.getByRole("link", { name: "Overview" }).click();
    await page.getByText("Reachable").waitFor();
    await page.getByRole("link", { name: "The Showcase" }).waitFor();
    await expectAccessible(page, "overview");

    // The app: nothing live yet, teaching how to publish; no bucket, teaching how to set one.
    await page.getByRole("link", { name: "The Showcase" }).click();
    await page.getByRole("heading", { name: "The Showcase" }).waitFor();
    await page.getByText("Nothing is live.").waitFor();
    await page.getByText("No bucket yet").waitFor();
    await page.getByText("Updated as they change.").waitFor();
    await page.evaluate(() => ((globalThis as any).sameDocument = true));

    // A test page publishes with a join token from the API: the stream appears by itself.
    const host = await openPage(browser, pages);
    const join = (await api("POST", "/api/v1/apps/showcase/tokens", { room: "stage", identity: "presenter" })).body.data;
    await host.evaluate(([url, jwt]) => (globalThis as any).publish(url, jwt), [join.wsUrl, join.token] as const);
    const row = page.locator("tr[data-stream]").filter({ hasText: "presenter" });
    await until("the stream in the live list", () => row.count(), (n) => n === 1, { context, timeoutMs: 5_000 });
    expect(await row.locator("td").first().textContent()).toBe("stage");
    expect(await row.locator("td.viewers").textContent()).toBe("0");

    // A viewer joins with a play token: the count moves within 5 s, with no reload.
    const viewer = await openPage(browser, pages);
    const play = (await call(node.url, "GET", "/api/v1/apps/showcase/play-token/stage")).body.data;
    await viewer.evaluate(([url, jwt]) => (globalThis as any).watch(url, jwt, 20_000), [play.wsUrl, play.token] as const);
    const joinedAt = Date.now();
    await until("the viewer count at 1", () => row.locator("td.viewers").textContent(), (text) => text === "1", { context, timeoutMs: 5_000 });
    expect(Date.now() - joinedAt).toBeLessThan(5_000);
    // The stream's details, from GET …/streams/{id}, follow it too.
    await row.getByRole("button", { name: "Details of presenter in stage" }).click();
    const details = page.getByRole("region", { name: /^Stream .*presenter$/ });
    await details.getByText("webrtc", { exact: true }).waitFor();
    await until("the details counting the viewer", () => details.locator("dt:text-is('Viewers') + dd").textContent(), (text) => text === "1", { context, timeoutMs: 10_000 });
    await expectAccessible(page, "app-stream-details");
    await details.getByRole("button", { name: "Close details" }).click();
    await viewer.evaluate(() => (globalThis as any).leave());
    await until("the viewer count back at 0", () => row.locator("td.viewers").textContent(), (text) => text === "0", { context, timeoutMs: 5_000 });
    expect(await page.evaluate(() => (globalThis as any).sameDocument)).toBe(true);

    // Live HLS needs the app's bucket: the error says so, and where to set it.
    await row.getByRole("button", { name: "Start HLS of presenter in stage" }).click();
    await page.getByRole("alert").filter({ hasText: "s3_not_configured" }).getByText("Set the app's bucket under Recording storage").waitFor();

    // The SDK's player for the stream, then stop the stream.
    await row.getByRole("button", { name: "Watch" }).click();
    await until(
      "the player live with frames",
      () => playerState(page),
      playing,
      { context, timeoutMs: 20_000 },
    );
    await expectAccessible(page, "app");
    await row.getByRole("button", { name: "Stop presenter in stage" }).click();
    await until("the stream gone from the list", () => row.count(), (n) => n === 0, { context, timeoutMs: 5_000 });
    await page.getByText("Nothing is live.").waitFor();

    // Sessions: this one is listed; delete the app with its confirmation; sign out.
    await page.getByRole("link", { name: "Account" }).click();
    await page.getByText("(this one)").waitFor();
    await expectAccessible(page, "sessions");
    await page.getByRole("link", { name: "Apps" }).click();
    await page.getByRole("button", { name: "Delete showcase" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete the app showcase?" });
    await dialog.getByText("its API tokens").waitFor();
    const confirm = dialog.getByRole("button", { name: "Delete for good" });
    expect(await confirm.isDisabled()).toBe(true);
    await expectAccessible(page, "apps-delete-dialog");
    await dialog.getByLabel("Type showcase to confirm").fill("showcase");
    await confirm.click();
    await page.getByText("No apps yet").waitFor();
    expect((await api("GET", "/api/v1/apps/showcase")).status).toBe(404);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to StreamHub" }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("streamhub.session"))).toBeNull();
    await host.evaluate(() => (globalThis as any).leave());
    await browserContext.close();
  });
});

describe("the dashboard's webhook endpoints and bucket settings", () => {
  let receiver: Server;
  const received: string[] = [];
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        received.push(body);
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it("adds an endpoint (secret shown once), sees its test ping delivered, and names the probe's failure of a bucket inline", async () => {
    expect((await api("POST", "/api/v1/apps", { name: "hooks", displayName: "Hooks" })).status).toBe(201);
    const page = await signedIn("/apps/hooks");
    await page.getByRole("heading", { name: "Hooks", exact: true }).waitFor();
    await page.getByText("No endpoints").waitFor();

    const { port } = receiver.address() as { port: number };
    await page.getByLabel("Endpoint URL").fill(`http://127.0.0.1:${port}/hook`);
    await page.getByRole("button", { name: "Add endpoint" }).click();
    expect(await page.getByLabel("Signing secret").inputValue()).toMatch(/^whsec_/);
    await page.getByRole("button", { name: "I have saved it" }).click();
    expect(await page.getByLabel("Signing secret").count()).toBe(0);

    await page.getByRole("button", { name: "Send test ping" }).click();
    const delivery = page.locator('tr[data-delivery="webhook.test"]');
    await until("the test ping delivered in the log", () => delivery.locator("td.status").textContent().catch(() => null), (status) => status === "delivered", { context, timeoutMs: 10_000 });
    expect(received.some((body) => body.includes("webhook.test"))).toBe(true);
    await delivery.getByRole("button", { name: "webhook.test", exact: true }).click();
    await page.getByRole("table", { name: "Attempts of webhook.test" }).getByRole("cell", { name: "200", exact: true }).waitFor();

    // Edit its URL and events, starting from what the API holds.
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const endpointForm = page.getByRole("form", { name: `Edit http://127.0.0.1:${port}/hook` });
    await endpointForm.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${port}/hook-v2`);
    await endpointForm.getByLabel("All events, including ones added later").uncheck();
    await endpointForm.getByLabel("stream_started", { exact: true }).check();
    await endpointForm.getByLabel("webhook.test", { exact: true }).check();
    await expectAccessible(page, "app-webhook-edit");
    await endpointForm.getByRole("button", { name: "Save endpoint" }).click();
    await page.getByRole("heading", { name: `http://127.0.0.1:${port}/hook-v2` }).waitFor();
    await page.getByText("events: stream_started, webhook.test").waitFor();
    expect((await api("GET", "/api/v1/apps/hooks/webhooks")).body.data[0]).toMatchObject({ url: `http://127.0.0.1:${port}/hook-v2`, events: ["stream_started", "webhook.test"] });
    // A URL the API refuses: its machine code, inline, and nothing changed.
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const again = page.getByRole("form", { name: `Edit http://127.0.0.1:${port}/hook-v2` });
    expect(await again.getByLabel("stream_started", { exact: true }).isChecked()).toBe(true);
    expect(await again.getByLabel("room_started", { exact: true }).isChecked()).toBe(false);
    await again.getByLabel("URL", { exact: true }).fill("ftp://127.0.0.1/hook");
    await again.getByRole("button", { name: "Save endpoint" }).click();
    await again.getByRole("alert").filter({ hasText: "validation_failed" }).waitFor();
    await page.getByRole("button", { name: "Cancel edit" }).click();
    expect((await api("GET", "/api/v1/apps/hooks/webhooks")).body.data[0].url).toBe(`http://127.0.0.1:${port}/hook-v2`);

    // Rotate (the new secret shown once), disable, and delete after confirming.
    await page.getByRole("button", { name: "Rotate secret" }).click();
    expect(await page.getByLabel("New signing secret").inputValue()).toMatch(/^whsec_/);
    await page.getByRole("button", { name: "I have saved it" }).click();
    await page.getByRole("button", { name: "Disable" }).click();
    await page.getByRole("button", { name: "Enable" }).waitFor();
    expect((await api("GET", "/api/v1/apps/hooks/webhooks")).body.data[0].enabled).toBe(false);
    await page.getByRole("button", { name: "Delete endpoint" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete endpoint" }).click();
    await page.getByText("No endpoints").waitFor();

    // A bucket nothing answers for: the probe's named error, inline, and nothing saved.
    await page.getByRole("button", { name: "Set bucket" }).click();
    await page.getByLabel("Provider").selectOption("minio");
    await page.getByLabel("Endpoint (not for AWS)").fill("http://127.0.0.1:9");
    await page.getByLabel("Bucket").fill("recordings");
    await page.getByLabel("Access key").fill("AKIAEXAMPLE");
    await page.getByLabel("Secret").fill("not-a-real-secret");
    await page.getByRole("button", { name: "Probe and save" }).click();
    await page.getByRole("alert").filter({ hasText: "s3_unreachable" }).waitFor({ timeout: 20_000 });
    await page.getByText("The endpoint did not answer").waitFor();
    expect((await api("GET", "/api/v1/apps/hooks/s3")).body.data.configured).toBe(false);

    // Empty states that say what to do, and the app's audit log with what was just done.
    await page.getByText("No ingresses: create one").waitFor();
    await page.getByText("No recordings yet.").waitFor();
    await page.reload();
    await page.getByRole("region", { name: "Audit log" }).getByText("POST /api/v1/apps/hooks/webhooks", { exact: false }).first().waitFor();
    await expectAccessible(page, "app-webhooks-s3");

    await page.getByRole("region", { name: "Playback quality and log" }).getByText("No views reported yet").waitFor();

    // Sample pages: edit one, then put the defaults back.
    const samples = page.getByRole("region", { name: "Sample pages" });
    await samples.getByRole("link", { name: "publish.html" }).waitFor();
    await samples.getByRole("button", { name: "Edit play.html" }).click();
    const editor = samples.getByRole("textbox", { name: "play.html" });
    await editor.fill(`${await editor.inputValue()}\n<!-- edited in the dashboard -->`);
    await samples.getByRole("button", { name: "Save play.html" }).click();
    await samples.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    const sample = async () => (await api("GET", "/api/v1/apps/hooks/samples/play.html")).body.data.content as string;
    expect(await sample()).toContain("<!-- edited in the dashboard -->");
    await samples.getByRole("button", { name: "Put the default pages back" }).click();
    await samples.getByText("Default pages restored.").waitFor();
    expect(await sample()).not.toContain("<!-- edited in the dashboard -->");

    // Logs and audit, filtered by the app; the filter is in the URL.
    await page.getByRole("link", { name: "Logs" }).click();
    await page.getByRole("form", { name: "Filters" }).getByLabel("App").fill("hooks");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/\/logs\?app=hooks$/);
    await page.getByRole("region", { name: "Audit log" }).getByText("DELETE /api/v1/apps/hooks/webhooks/", { exact: false }).first().waitFor();
    await expectAccessible(page, "logs");
    await page.context().close();
  });
});

describe("the dashboard's team and tokens, by role", () => {
  it("a superadmin creates a tenant and its owner; the owner sees the tenant's usage, mints and revokes a token; a viewer sees only what it may use", async () => {
    const page = await signedIn("/team");
    await page.getByRole("heading", { name: "Tenants" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Acme Media");
    await page.getByLabel("Id (optional)").fill("acme");
    await page.getByRole("button", { name: "Create tenant" }).click();
    await page.getByRole("status").getByRole("link", { name: "Acme Media" }).click();
    await page.getByRole("heading", { name: "Acme Media" }).waitFor();
    await page.getByRole("heading", { name: "Usage and quotas (free)" }).waitFor();
    const members = page.getByRole("region", { name: "Members" });
    for (const [email, role] of [["owner@acme.test", "owner"], ["viewer@acme.test", "viewer"]] as const) {
      await members.getByLabel("Email").fill(email);
      await members.locator('select[name="role"]').selectOption(role);
      await members.getByLabel(/^Password/).fill("a-long-enough-password-123");
      await members.getByRole("button", { name: "Add member" }).click();
      await members.getByRole("cell", { name: email, exact: true }).waitFor();
    }
    // A quota override: the usage table shows the new limit.
    await page.getByRole("region", { name: "Plan and quota overrides" }).getByLabel("Apps").fill("3");
    await page.getByRole("button", { name: "Save plan and quotas" }).click();
    await page.getByRole("region", { name: "Usage and quotas (free)" }).getByRole("row", { name: "Apps 0 3" }).waitFor();
    await expectAccessible(page, "team-tenant");
    await page.getByRole("link", { name: "Tenants" }).click();
    const users = page.getByRole("region", { name: "Users" });
    await users.getByRole("cell", { name: "viewer@acme.test", exact: true }).waitFor();
    // One user's details (GET /users/{id}), and a new password set for them.
    await users.getByRole("button", { name: "Details of viewer@acme.test" }).click();
    const user = page.getByRole("region", { name: "User viewer@acme.test" });
    await user.getByText("acme", { exact: true }).waitFor();
    await user.getByLabel(/^New password for viewer@acme.test/).fill("the-viewers-new-password-9");
    await user.getByRole("button", { name: "Set password" }).click();
    await user.getByRole("status").filter({ hasText: "Password set" }).waitFor();
    await expectAccessible(page, "team-user-details");
    await page.context().close();

    // The owner, in a browser of its own.
    const owner = await signedIn("/team", "owner@acme.test", "a-long-enough-password-123");
    // Sent to its own tenant.
    await owner.getByRole("heading", { name: "Acme Media" }).waitFor();
    await owner.waitForURL(/\/team\/acme$/);
    await owner.getByRole("cell", { name: "viewer@acme.test", exact: true }).waitFor();
    await owner.getByRole("link", { name: "Apps" }).click();
    await owner.getByLabel("Name", { exact: true }).fill("acme-live");
    await owner.getByRole("button", { name: "Create" }).click();
    await owner.getByRole("status").filter({ hasText: "Created acme-live" }).waitFor();
    expect(await owner.getByLabel(/^Tenant/).count()).toBe(0);

    await owner.getByRole("link", { name: "Tokens" }).click();
    // The Apps screen has a "Name" field too: the click only starts the navigation.
    await owner.getByRole("heading", { name: "Create a token" }).waitFor();
    await owner.getByLabel("Name", { exact: true }).fill("ci");
    await owner.getByRole("combobox", { name: /^App/ }).selectOption("acme-live");
    await owner.getByLabel(/^Allowed addresses/).fill("203.0.113.0/24");
    await owner.getByRole("button", { name: "Create token" }).click();
    const secret = await owner.getByLabel("Token", { exact: true }).inputValue();
    expect(secret).toMatch(/^sk_/);
    await owner.getByRole("cell", { name: "203.0.113.0/24", exact: true }).waitFor();
    await expectAccessible(owner, "tokens");
    await owner.getByRole("button", { name: "Revoke ci" }).click();
    await owner.getByRole("dialog", { name: "Revoke the token ci?" }).getByRole("button", { name: "Revoke" }).click();
    await owner.getByRole("cell", { name: "revoked", exact: true }).waitFor();
    await owner.context().close();

    // A viewer: no create, delete, stop or tokens; the settings read-only.
    const viewer = await signedIn("/apps", "viewer@acme.test", "the-viewers-new-password-9");
    await viewer.getByRole("link", { name: "acme-live" }).waitFor();
    expect(await viewer.getByRole("heading", { name: "Create an app" }).count()).toBe(0);
    expect(await viewer.getByRole("button", { name: /^Delete/ }).count()).toBe(0);
    expect(await viewer.getByRole("link", { name: "Tokens" }).count()).toBe(0);
    await viewer.getByRole("link", { name: "acme-live" }).click();
    await viewer.getByText("Your role may read these settings, not change them.").waitFor();
    expect(await viewer.getByRole("heading", { name: "Join token for testing" }).count()).toBe(0);
    expect(await viewer.getByRole("button", { name: "Add endpoint" }).count()).toBe(0);
    await expectAccessible(viewer, "app-as-viewer");
    await viewer.context().close();
  });
});

describe("the dashboard's own password", () => {
  it("a user changes their password: a wrong current one is named, the change signs out the other browser and keeps this one", async () => {
    const email = "changer@example.test";
    const first = "first-long-password-123";
    expect((await api("POST", "/api/v1/users", { email, password: first })).status).toBe(201);
    const elsewhere = await signedIn("/account/sessions", email, first);
    await elsewhere.getByText("(this one)").waitFor();
    const page = await signedIn("/account/sessions", email, first);
    await page.getByRole("heading", { name: "Your account" }).waitFor();
    await page.getByRole("row").filter({ hasText: "End session" }).waitFor();

    const password = page.getByRole("region", { name: "Password" });
    await password.getByLabel("Current password").fill("not-the-password");
    await password.getByLabel(/^New password \(/).fill("second-long-password-456");
    await password.getByLabel("New password again").fill("second-long-password-456");
    await password.getByRole("button", { name: "Change password" }).click();
    await password.getByRole("alert").filter({ hasText: "wrong_password" }).waitFor();

    await password.getByLabel("Current password").fill(first);
    await password.getByLabel("New password again").fill("second-long-password-456");
    await password.getByLabel("New password again").press("Enter");
    await password.getByRole("status").filter({ hasText: "Password changed. Signed out of 1 other session." }).waitFor();
    await expectAccessible(page, "account");
    // Still signed in here (a new session, the only one); signed out there.
    await page.reload();
    await page.getByText("(this one)").waitFor();
    expect(await page.getByRole("button", { name: "End session" }).count()).toBe(0);
    await elsewhere.reload();
    await elsewhere.getByRole("heading", { name: "Sign in to StreamHub" }).waitFor();
    expect((await call(node.url, "POST", "/api/v1/auth/login", { json: { user: email, password: "second-long-password-456" } })).status).toBe(200);

    // Signed in there again, then out everywhere from here: both browsers are back at sign-in.
    await elsewhere.getByLabel("Email (or the admin user)").fill(email);
    await elsewhere.getByLabel("Password").fill("second-long-password-456");
    await elsewhere.getByLabel("Password").press("Enter");
    await elsewhere.getByText("(this one)").waitFor();
    await page.reload();
    await page.getByRole("button", { name: "End session" }).first().waitFor();
    const here = await page.evaluate(() => sessionStorage.getItem("streamhub.session"));
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await page.getByRole("heading", { name: "Sign in to StreamHub" }).waitFor();
    // Ended on the server too, not only forgotten by this tab.
    expect((await call(node.url, "GET", "/api/v1/auth/me", { token: here! })).status).toBe(401);
    await elsewhere.reload();
    await elsewhere.getByRole("heading", { name: "Sign in to StreamHub" }).waitFor();
    await page.context().close();
    await elsewhere.context().close();
  });
});
