// The dashboard's Cluster screen in Debian's Chromium against a running
// StreamHub with a cluster token: two nodes join and beat as their agents do
// (plain fetch with X-Cluster-Token); a superadmin sees both with their stats,
// drains one and deletes the other after confirming — by keyboard — and is
// taught how a node joins once none is left. An owner has no Cluster entry,
// and /cluster is the not-found page for them, without a cluster call.
// axe-core on each state, screenshots to dist/screenshots/dashboard/.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.ts";
import { screenshot, seriousViolations } from "./dashboard-axe.ts";
import { call, removeDataDir, startStreamHub, until, type RunningStreamHub } from "./harness.ts";

const TOKEN = "sk_dashboard_cluster_token_0123456789abcdefgh";
const CLUSTER_TOKEN = "dashboard-cluster-token-0123456789";
const PASSWORD = "a-long-cluster-password-1";
const SUPERADMIN = "root@cluster.test";
const OWNER = "owner@cluster.test";

// Code in page.evaluate runs in the browser; its globals (this project is typed for Node).
declare const document: any;

let node: RunningStreamHub;
let browser: Browser;

const api = (method: string, path: string, json?: unknown) => call(node.url, method, path, { token: TOKEN, json });
const nodes = async () => (await api("GET", "/api/v1/cluster/nodes")).body.data as { id: string; name: string; status: string }[];

/** What a node's agent sends (selfhost/agent.ts): join, then a heartbeat with its stats. */
async function agent(path: "join" | "heartbeat", body: unknown): Promise<any> {
  const response = await fetch(`${node.url}/api/v1/cluster/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Cluster-Token": CLUSTER_TOKEN },
    body: JSON.stringify(body),
  });
  expect(response.status, `${path} answered ${response.status}`).toBeLessThan(300);
  return ((await response.json()) as { data: unknown }).data;
}

async function joinAndBeat(name: string, url: string, stats: Record<string, number>) {
  const { nodeId } = await agent("join", { name, ip: "127.0.0.1", region: "eu-test", url });
  await agent("heartbeat", { nodeId, stats });
}

beforeAll(async () => {
  node = await startStreamHub({ env: { STREAMHUB_API_TOKEN: TOKEN, STREAMHUB_CLUSTER_TOKEN: CLUSTER_TOKEN, STREAMHUB_CLUSTER_REDIS_URL: "redis://10.0.0.2:6379" } });
  browser = await launchChromium();
  expect((await api("POST", "/api/v1/tenants", { id: "acme", name: "Acme" })).status).toBe(201);
  expect((await api("POST", "/api/v1/users", { email: SUPERADMIN, password: PASSWORD, isSuperadmin: true })).status).toBe(201);
  expect((await api("POST", "/api/v1/users", { email: OWNER, password: PASSWORD, tenantId: "acme", role: "owner" })).status).toBe(201);
  await joinAndBeat("lk-east", "wss://lk-east.cluster.test", { rooms: 3, participants: 17, load1: 0.42 });
  await joinAndBeat("lk-west", "wss://lk-west.cluster.test", { rooms: 1, participants: 2, load1: 0.05 });
});
afterAll(async () => {
  await browser?.close();
  await node?.stop();
  if (node) removeDataDir(node.dataDir);
});

async function signIn(email: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
  await page.goto(node.url);
  await page.getByLabel("Email (or the admin user)").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel("Password").press("Enter");
  await page.getByRole("heading", { name: "Overview" }).waitFor();
  return page;
}

async function expectAccessible(page: Page, screen: string) {
  await screenshot(page, screen);
  expect(await seriousViolations(page), `axe on the ${screen} screen`).toEqual([]);
}

/** What has keyboard focus: its accessible label or text. */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent ?? null);

/** Presses Enter on `button` (focused first): what a keyboard user does. */
async function press(button: ReturnType<Page["getByRole"]>) {
  await button.focus();
  await button.press("Enter");
}

describe("the dashboard's Cluster screen", () => {
  it("shows a superadmin both nodes with their stats; drain changes one's status, delete forgets the other after confirming", async () => {
    const page = await signIn(SUPERADMIN);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Cluster" }).click();
    await page.getByRole("heading", { name: "Cluster", level: 1 }).waitFor();

    const east = page.locator('tr[data-node="lk-east"]');
    const west = page.locator('tr[data-node="lk-west"]');
    await east.waitFor();
    await west.waitFor();
    const cells = async (row: typeof east) => (await row.locator("th, td").allInnerTexts()).slice(0, 5).map((text) => text.trim());
    expect(await cells(east)).toEqual(["lk-east (eu-test)", "wss://lk-east.cluster.test", "active", "no", expect.stringMatching(/\d/)]);
    expect(await cells(west)).toEqual(["lk-west (eu-test)", "wss://lk-west.cluster.test", "active", "no", expect.stringMatching(/\d/)]);
    // The stats as the agent reported them.
    for (const stat of ["rooms: 3", "participants: 17", "load1: 0.42"]) await east.getByText(stat, { exact: true }).waitFor();
    await west.getByText("participants: 2", { exact: true }).waitFor();
    // How another node joins stays at hand: this origin's own join command.
    await page.getByRole("region", { name: "How a node joins" }).getByText(`STREAMHUB_CLUSTER_TOKEN='${CLUSTER_TOKEN}' npm run streamhub -- agent --origin`).waitFor();
    await expectAccessible(page, "superadmin-cluster");

    // Drain, by keyboard: the row says so, the screen announces it, the registry has it.
    await press(east.getByRole("button", { name: "Drain lk-east" }));
    await east.getByRole("cell", { name: "draining", exact: true }).waitFor();
    await page.getByRole("status").filter({ hasText: "lk-east is now draining." }).waitFor();
    expect((await nodes()).find((n) => n.name === "lk-east")?.status).toBe("draining");
    // A draining node may be disabled or activated, no longer drained; focus stays in its row.
    expect(await east.getByRole("button", { name: "Drain lk-east" }).count()).toBe(0);
    await east.getByRole("button", { name: "Activate lk-east" }).waitFor();
    await until("focus to stay in lk-east's row", () => focused(page), (name) => name === "Disable lk-east");

    // Delete asks first, naming what happens; Escape keeps the node.
    const deleteWest = west.getByRole("button", { name: "Delete lk-west" });
    await press(deleteWest);
    const dialog = page.getByRole("dialog", { name: "Delete the node lk-west?" });
    await dialog.waitFor();
    await dialog.getByText("the next heartbeat makes it join again").waitFor();
    await expectAccessible(page, "superadmin-cluster-delete");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect((await nodes()).map((n) => n.name).sort()).toEqual(["lk-east", "lk-west"]);

    // Again, and confirmed: focus starts on Cancel; Tab reaches Delete.
    await press(deleteWest);
    await dialog.waitFor();
    await page.keyboard.press("Tab");
    expect(await dialog.getByRole("button", { name: "Delete" }).evaluate((b) => b === b.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "hidden" });
    await west.waitFor({ state: "detached" });
    await until("focus to go to the list", () => focused(page), (name) => name === "Nodes");
    expect((await nodes()).map((n) => n.name)).toEqual(["lk-east"]);
    await east.waitFor();

    // With no node left, the screen teaches how one joins.
    const [last] = await nodes();
    expect((await api("DELETE", `/api/v1/cluster/nodes/${last!.id}`)).status).toBe(200);
    await page.reload();
    await page.getByText("No node has joined yet.").waitFor();
    const howTo = page.getByRole("region", { name: "How a node joins" });
    await howTo.getByText("npm run streamhub -- agent").waitFor();
    await howTo.getByText("selfhost/systemd/streamhub-agent.service").waitFor();
    await expectAccessible(page, "superadmin-cluster-empty");

    // The agent's next join brings a deleted node back (what the confirmation says).
    await joinAndBeat("lk-west", "wss://lk-west.cluster.test", { rooms: 0 });
    await until("lk-west to be listed again", nodes, (list) => list.some((n) => n.name === "lk-west" && n.status === "active"));
    await page.reload();
    await west.waitFor();
    await page.context().close();
  });

  it("is not there for an owner: no Cluster entry, and /cluster is the not-found page without calling the cluster routes", async () => {
    const page = await signIn(OWNER);
    const clusterCalls: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/api/v1/cluster")) clusterCalls.push(request.url());
    });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Apps" }).waitFor();
    expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Cluster" }).count()).toBe(0);
    await page.goto(`${node.url}/cluster`);
    await page.getByRole("heading", { name: "Not found" }).waitFor();
    expect(await page.getByRole("heading", { name: "Cluster" }).count()).toBe(0);
    await expectAccessible(page, "owner-cluster");
    expect(clusterCalls).toEqual([]);
    await page.context().close();
  });
});
