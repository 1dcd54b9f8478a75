// Bodies built to be expensive to parse, from a caller with no credentials,
// against the real workerd: each is refused with a machine code, and the node
// keeps answering everyone else while they arrive (issue 15: thirty 1 MB
// bodies of `[` used to stall /api/v1/health for seconds). How fast is the
// bench's business; this asserts the behaviour.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeDataDir, startStreamHub, type RunningStreamHub } from "./harness.ts";

let node: RunningStreamHub;

beforeAll(async () => {
  node = await startStreamHub({ env: { STREAMHUB_API_TOKEN: "sk_abusive_bodies_token_0123456789abcdefghij" } });
});
afterAll(async () => {
  await node?.stop();
  if (node) removeDataDir(node.dataDir);
});

const DEPTH = 500_000;
const deep = new TextEncoder().encode("[".repeat(DEPTH) + "]".repeat(DEPTH));
const wide = new TextEncoder().encode(`[${"1,".repeat(500_000)}1]`);
const ROUTES = ["/api/v1/apps", "/api/v1/auth/login", "/api/v1/tokens", "/api/v1/apps/demo/webhooks", "/api/v1/webhooks/livekit"];

describe("bodies built to be expensive, without credentials", () => {
  it("are refused with 400 json_too_complex while health keeps answering", async () => {
    const sent = Array.from({ length: 40 }, async (_, i) => {
      const response = await fetch(`${node.url}${ROUTES[i % ROUTES.length]}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: i % 4 === 3 ? wide : deep,
      });
      return { status: response.status, code: ((await response.json()) as any).error?.code };
    });

    // Health is asked, one call after another, for as long as the bodies are in flight.
    let inFlight = true;
    const health: { status: number; ms: number }[] = [];
    const polling = (async () => {
      while (inFlight) {
        const started = performance.now();
        const response = await fetch(`${node.url}/api/v1/health`);
        await response.arrayBuffer();
        health.push({ status: response.status, ms: performance.now() - started });
      }
    })();
    const answers = await Promise.all(sent);
    inFlight = false;
    await polling;

    expect(health.length).toBeGreaterThan(0);
    expect(health.every((h) => h.status === 200)).toBe(true);
    // Generous for 2 shared cores; before the limit, health waited ~4 s behind the parses.
    expect(Math.max(...health.map((h) => h.ms))).toBeLessThan(1_500);
    expect(answers).toEqual(answers.map(() => ({ status: 400, code: "json_too_complex" })));
  });
});
