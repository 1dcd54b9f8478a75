// One walk through the dashboard per role — superadmin, owner, editor, viewer —
// in Debian's Chromium against a running StreamHub wired to the LiveKit
// stand-in and a verifying S3 on loopback (recording needs egress, which the
// real LiveKit cannot run here). Each walk visits every screen its navigation
// offers, checks that what is shown is what the permission table lets the role
// do (no button it cannot use), runs axe-core and writes a screenshot per
// screen. The editor also records a live room, reloads, and stops the
// recording that the list shows from the API.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../selfhost/build.ts";
import type { LiveKitStandin } from "../livekit/standin.ts";
import { launchChromium } from "./browser.ts";
import { screenshot, seriousViolations } from "./dashboard-axe.ts";
import { call, until, type RunningStreamHub } from "./harness.ts";
import { startStandinStack, type StandinStack } from "./standin-stack.ts";

const KEY = "APIe2edashboardroles";
const SECRET = "e2e-dashboard-roles-secret-0123456789abcd";
const TOKEN = "sk_dashboard_roles_token_0123456789abcdefgh";
const PASSWORD = "a-long-walking-password-1";
const APP = "studio-live";
const ROOM = "main";

type Role = "superadmin" | "owner" | "editor" | "viewer";
const ROLES: Role[] = ["superadmin", "owner", "editor", "viewer"];
const email = (role: Role) => `${role}@studio.test`;

let stack: StandinStack;
let standin: LiveKitStandin;
let node: RunningStreamHub;
let browser: Browser;
let can: (me: unknown, permission: string) => boolean;

const api = (method: string, path: string, json?: unknown) => call(node.url, method, path, { token: TOKEN, json });
const context = () => node.output().slice(-2000);

beforeAll(async () => {
  ({ can } = (await import(/* @vite-ignore */ `${ROOT}web/src/auth/permissions.ts`)) as { can: typeof can });
  stack = await startStandinStack({ token: TOKEN, apiKey: KEY, apiSecret: SECRET, bucket: "walks" });
  ({ standin, node } = stack);
  browser = await launchChromium();

  expect((await api("POST", "/api/v1/tenants", { id: "studio", name: "Studio", plan: "pro" })).status).toBe(201);
  for (const role of ROLES) {
    const member = role === "superadmin" ? { isSuperadmin: true } : { tenantId: "studio", role };
    expect((await api("POST", "/api/v1/users", { email: email(role), password: PASSWORD, ...member })).status).toBe(201);
  }
  expect((await api("POST", "/api/v1/apps", { name: APP, displayName: "Studio Live", tenantId: "studio" })).status).toBe(201);
  expect((await api("PUT", `/api/v1/apps/${APP}/s3`, stack.s3Settings())).status).toBe(200);
  expect((await api("POST", `/api/v1/apps/${APP}/ingress`, { inputType: "rtmp", room: "backstage", name: "obs" })).status).toBe(201);
  expect((await api("POST", `/api/v1/apps/${APP}/webhooks`, { url: "https://hooks.example.com/streamhub" })).status).toBe(201);

  // Someone is live in the room, and an earlier recording of it is in the bucket.
  const publisher = (await api("POST", `/api/v1/apps/${APP}/tokens`, { room: ROOM, identity: "presenter" })).body.data;
  await standin.join(publisher.token);
  await standin.publish(`${APP}-${ROOM}`, "presenter");
  const { vodId, egressId } = (await api("POST", `/api/v1/apps/${APP}/recording/start`, { roomName: ROOM })).body.data;
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect((await api("POST", `/api/v1/apps/${APP}/recording/${vodId}/stop`)).status).toBe(200);
  await standin.egresses.get(egressId)?.finished;
}, 120_000);
afterAll(async () => {
  // Recordings still uploading (and their webhooks) finish before their servers go.
  await Promise.all([...(standin?.egresses.values() ?? [])].map((egress) => egress.finished?.catch(() => undefined)));
  await browser?.close();
  await stack?.close();
});

/**
 * What each role is shown, written out from API.md's permission table (owner
 * *:*; editor reads and edits apps, media, ingress, webhooks and samples;
 * viewer reads; audit and tokens for owners) — and checked against the table
 * itself below, so neither can drift from the other.
 */
const SHOWN: { what: string; permission: string; roles: Role[]; screen: "apps" | "app" | "team" | "tenant" | "nav"; find(page: Page): ReturnType<Page["getByRole"]> }[] = [
  { what: "the create-app form", permission: "app:create", roles: ["superadmin", "owner", "editor"], screen: "apps", find: (p) => p.getByRole("heading", { name: "Create an app" }) },
  { what: "deleting an app", permission: "app:delete", roles: ["superadmin", "owner"], screen: "apps", find: (p) => p.getByRole("button", { name: `Delete ${APP}` }) },
  { what: "stopping a stream", permission: "stream:stop", roles: ["superadmin", "owner", "editor"], screen: "app", find: (p) => p.getByRole("button", { name: `Stop presenter in ${ROOM}` }) },
  { what: "recording a room", permission: "recording:start", roles: ["superadmin", "owner", "editor"], screen: "app", find: (p) => p.getByRole("button", { name: `Record room ${ROOM}` }) },
  { what: "live HLS", permission: "stream:write", roles: ["superadmin", "owner", "editor"], screen: "app", find: (p) => p.getByRole("button", { name: `Start HLS of presenter in ${ROOM}` }) },
  { what: "join tokens", permission: "stream:write", roles: ["superadmin", "owner", "editor"], screen: "app", find: (p) => p.getByRole("heading", { name: "Join token for testing" }) },
  { what: "creating an ingress", permission: "ingress:create", roles: ["superadmin", "owner", "editor"], screen: "app", find: (p) => p.getByRole("button", { name: "Create ingress" }) },
  { what: "deleting an ingress", permission: "ingress:delete", roles: ["superadmin", "owner", "editor"], screen: "app", find: (p) => p.getByRole("button", { name: "Delete ingress obs" }) },
  { what: "deleting a recording", permission: "vod:delete", roles: ["superadmin", "owner", "editor"], screen: "app", find: (p) => p.getByRole("button", { name: /^Delete the recording of / }) },
  { what: "setting the bucket", permission: "s3:write", roles: ["superadmin", "owner", "editor"], screen: "app", find: (p) => p.getByRole("button", { name: "Change bucket" }) },
  { what: "adding a webhook endpoint", permission: "config:write", roles: ["superadmin", "owner", "editor"], screen: "app", find: (p) => p.getByRole("button", { name: "Add endpoint" }) },
  { what: "editing a webhook endpoint", permission: "config:write", roles: ["superadmin", "owner", "editor"], screen: "app", find: (p) => p.getByRole("button", { name: "Edit", exact: true }) },
  { what: "editing a sample page", permission: "sample:write", roles: ["superadmin", "owner", "editor"], screen: "app", find: (p) => p.getByRole("button", { name: "Edit play.html" }) },
  { what: "saving the app's settings", permission: "app:write", roles: ["superadmin", "owner", "editor"], screen: "app", find: (p) => p.getByRole("button", { name: "Save settings" }) },
  { what: "the app's analytics", permission: "app:read", roles: ["superadmin", "owner", "editor", "viewer"], screen: "app", find: (p) => p.getByRole("link", { name: "Analytics and session reports" }) },
  { what: "the app's audit log", permission: "audit:read", roles: ["superadmin", "owner"], screen: "app", find: (p) => p.getByRole("region", { name: "Audit log" }) },
  { what: "adding a member", permission: "member:create", roles: ["superadmin", "owner"], screen: "tenant", find: (p) => p.getByRole("button", { name: "Add member" }) },
  { what: "API tokens", permission: "token:read", roles: ["superadmin", "owner"], screen: "nav", find: (p) => p.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Tokens" }) },
  { what: "logs", permission: "log:read", roles: ["superadmin", "owner", "editor", "viewer"], screen: "nav", find: (p) => p.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Logs" }) },
  { what: "every tenant", permission: "superadmin", roles: ["superadmin"], screen: "team", find: (p) => p.getByRole("heading", { name: "Create a tenant" }) },
];

const member = (role: Role) =>
  role === "superadmin" ? { isSuperadmin: true, via: "user_jwt", role: "superadmin", tenantId: null } : { isSuperadmin: false, via: "user_jwt", role, tenantId: "studio" };

describe("the dashboard's permission walks: the expectations", () => {
  it("are the permission table's (web/src/auth/permissions.ts, itself checked equal to the server's)", () => {
    for (const { what, permission, roles } of SHOWN) {
      for (const role of ROLES) expect(can(member(role), permission), `${role}: ${what}`).toBe(roles.includes(role));
    }
  });
});

async function signIn(role: Role): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
  await page.goto(node.url);
  await page.getByLabel("Email (or the admin user)").fill(email(role));
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel("Password").press("Enter");
  await page.getByRole("heading", { name: "Overview" }).waitFor();
  return page;
}

async function checkScreen(page: Page, role: Role, screen: string) {
  await screenshot(page, `${role}-${screen}`);
  expect(await seriousViolations(page), `axe on the ${screen} screen as ${role}`).toEqual([]);
}

async function expectShown(page: Page, role: Role, screen: (typeof SHOWN)[number]["screen"]) {
  for (const item of SHOWN.filter((s) => s.screen === screen)) {
    const count = await item.find(page).count();
    expect(count > 0, `${role} ${item.roles.includes(role) ? "sees" : "does not see"} ${item.what}`).toBe(item.roles.includes(role));
  }
}

/** Every screen the role's navigation offers, checked. */
async function walk(page: Page, role: Role) {
  const nav = page.getByRole("navigation", { name: "Main" });
  await expectShown(page, role, "nav");

  // Overview: usage against quota, every tenant's for a superadmin, the own tenant's for members.
  const usage = page.getByRole("region", { name: role === "superadmin" ? "Usage against quota, per tenant" : "Your tenant's usage against quota" });
  await usage.locator('tr[data-tenant="studio"] td').nth(1).getByText(/^1 of ([\d,]+|unlimited)$/).waitFor();
  await checkScreen(page, role, "overview");

  await nav.getByRole("link", { name: "Apps" }).click();
  await page.getByRole("link", { name: APP }).waitFor();
  await expectShown(page, role, "apps");
  await checkScreen(page, role, "apps");

  await page.getByRole("link", { name: APP }).click();
  const row = page.locator("tr[data-stream]").filter({ hasText: "presenter" });
  await row.waitFor();
  await page.getByRole("button", { name: "Details of ingress obs" }).waitFor();
  await page.getByRole("cell", { name: "ready", exact: true }).first().waitFor();
  // Every section has loaded before anything is counted as missing.
  await page.getByRole("button", { name: "Show deliveries" }).waitFor();
  await page.getByText("hooks.example.com").first().waitFor();
  await page.getByRole("region", { name: "Recording storage" }).getByText("walks").first().waitFor();
  await page.getByRole("region", { name: "Sample pages" }).getByRole("link", { name: "publish.html" }).waitFor();
  await expectShown(page, role, "app");
  await checkScreen(page, role, "app");

  // The detail drawers are reads: every role opens them.
  // By keyboard: the drawer takes focus when it opens; Escape closes it and gives focus back.
  const detailsButton = row.getByRole("button", { name: `Details of presenter in ${ROOM}` });
  await detailsButton.focus();
  await page.keyboard.press("Enter");
  const stream = page.getByRole("region", { name: `Stream ${APP}-${ROOM}/presenter` });
  await stream.getByText("webrtc", { exact: true }).waitFor();
  expect(await stream.getByRole("heading").evaluate((h) => h === h.ownerDocument.activeElement)).toBe(true);
  await page.keyboard.press("Escape");
  await stream.waitFor({ state: "detached" });
  expect(await detailsButton.evaluate((b) => b === b.ownerDocument.activeElement)).toBe(true);
  await detailsButton.click();
  await page.getByRole("button", { name: "Details of ingress obs" }).click();
  const ingress = page.getByRole("region", { name: "Ingress obs" });
  await ingress.getByText("backstage", { exact: false }).first().waitFor();
  // The stream key only for the roles that may edit ingresses.
  expect(await ingress.getByLabel("Stream key of obs", { exact: true }).count()).toBe(can(member(role), "ingress:write") ? 1 : 0);
  await checkScreen(page, role, "app-details");

  if (await nav.getByRole("link", { name: "Tokens" }).count()) {
    await nav.getByRole("link", { name: "Tokens" }).click();
    await page.getByRole("heading", { name: "API tokens" }).waitFor();
    await checkScreen(page, role, "tokens");
  }
  // Team: a superadmin lands on every tenant, a member on its own.
  await nav.getByRole("link", { name: "Team" }).click();
  // .first(): while the screen swaps, the tenant's name can briefly head two sections.
  await page.getByRole("heading", { name: role === "superadmin" ? "Tenants" : "Studio" }).first().waitFor();
  await expectShown(page, role, "team");
  if (role === "superadmin") {
    await checkScreen(page, role, "tenants");
    await page.getByRole("link", { name: "Studio" }).first().click();
    await page.getByRole("heading", { name: "Studio" }).waitFor();
  }
  await page.getByRole("cell", { name: email("viewer"), exact: true }).waitFor();
  await expectShown(page, role, "tenant");
  await checkScreen(page, role, "tenant");

  await nav.getByRole("link", { name: "Logs" }).click();
  await page.getByRole("heading", { name: "Logs and audit" }).waitFor();
  await checkScreen(page, role, "logs");

  await nav.getByRole("link", { name: "Account" }).click();
  await page.getByRole("region", { name: "Password" }).waitFor();
  await page.getByText("(this one)").waitFor();
  await checkScreen(page, role, "account");
}

describe("the dashboard, one walk per role", () => {
  for (const role of ["superadmin", "owner"] as const) {
    it(`as ${role}`, async () => {
      const page = await signIn(role);
      await walk(page, role);
      await page.context().close();
    });
  }

  it("as editor, with a recording started, still shown after a reload, and stopped", async () => {
    const page = await signIn("editor");
    await walk(page, "editor");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Apps" }).click();
    await page.getByRole("link", { name: APP }).click();
    const row = page.locator("tr[data-stream]").filter({ hasText: "presenter" });
    await row.getByRole("button", { name: `Record room ${ROOM}` }).click();
    await row.getByText("Recording the room since").waitFor();
    await row.getByRole("button", { name: `Record alone: presenter in ${ROOM}` }).click();
    await row.getByText("Recording alone since").waitFor();
    expect(await row.getByRole("button", { name: `Record room ${ROOM}` }).count()).toBe(0);
    await checkScreen(page, "editor", "app-recording");

    // After a reload the list still knows, from the API, what records the room.
    await page.reload();
    await row.getByText("Recording the room since").waitFor();
    await row.getByText("Recording alone since").waitFor();
    // The Recordings section loads by a query of its own: wait for it rather than read it mid-load.
    await until("one finished recording offered a delete", () => page.getByRole("region", { name: "Recordings" }).getByRole("button", { name: /^Delete / }).count(), (n) => n === 1, { context });
    const running = (await api("GET", `/api/v1/apps/${APP}/vods?status=recording`)).body.data as { id: string; mode: string }[];
    expect(running.map((vod) => vod.mode).sort()).toEqual(["participant", "room-composite"]);

    await row.getByRole("button", { name: `Stop recording room ${ROOM}` }).click();
    await until("the room's recording stopped", async () => (await api("GET", `/api/v1/apps/${APP}/vods?status=recording`)).body.data.length, (n) => n === 1, { context });
    await row.getByRole("button", { name: `Record room ${ROOM}` }).waitFor();
    // The recordings list offers a running recording a stop, never a delete it would refuse (409).
    const recordings = page.getByRole("region", { name: "Recordings" });
    await recordings.getByRole("row").filter({ hasText: "recording" }).getByRole("button", { name: /^Stop recording / }).click();
    await row.getByRole("button", { name: `Record alone: presenter in ${ROOM}` }).waitFor();
    // The live list and the Recordings section re-fetch separately after the stop: wait for the section too.
    await until("no recording left offered a stop", () => recordings.getByRole("button", { name: /^Stop recording / }).count(), (n) => n === 0, { context });
    expect((await api("GET", `/api/v1/apps/${APP}/vods?status=recording`)).body.data).toEqual([]);
    // Both are in the recordings list, on their way to ready.
    await until(
      "three recordings listed",
      () => page.getByRole("region", { name: "Recordings" }).locator("tbody tr").count(),
      (n) => n === 3,
      { context },
    );

    // A stream recorded as it starts (autoRecord): the list asks again what records when the live streams change.
    expect((await api("PATCH", `/api/v1/apps/${APP}`, { autoRecord: true })).status).toBe(200);
    const guest = (await api("POST", `/api/v1/apps/${APP}/tokens`, { room: "side", identity: "guest" })).body.data;
    await standin.join(guest.token);
    await standin.publish(`${APP}-side`, "guest");
    const guestRow = page.locator("tr[data-stream]").filter({ hasText: "guest" });
    await guestRow.getByText("Recording the room since").waitFor({ timeout: 10_000 });
    await guestRow.getByRole("button", { name: "Stop recording room side" }).click();
    await guestRow.getByRole("button", { name: "Record room side" }).waitFor();
    expect((await api("PATCH", `/api/v1/apps/${APP}`, { autoRecord: false })).status).toBe(200);
    await page.context().close();
  });

  it("as viewer", async () => {
    const page = await signIn("viewer");
    await walk(page, "viewer");
    // Read-only, said so where it could otherwise look broken.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Apps" }).click();
    await page.getByRole("link", { name: APP }).click();
    await page.getByText("Your role may read these settings, not change them.").waitFor();
    expect(await page.locator("tr[data-stream] button").filter({ hasText: /^(Stop|Record|Start HLS)/ }).count()).toBe(0);
    await page.context().close();
  });
});
