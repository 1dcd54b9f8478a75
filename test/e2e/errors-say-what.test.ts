// Errors that say what happened, on a node run as `npm start` runs it, with a
// LiveKit configured that does not answer: callers get a code naming the
// cause, health says degraded and why, and every line workerd prints is JSON.
import { createServer, type AddressInfo, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, removeDataDir, startStreamHub, type RunningStreamHub } from "./harness.ts";

const TOKEN = "sk_errors_say_what_token_0123456789abcdefghij";
let node: RunningStreamHub;

beforeAll(async () => {
  node = await startStreamHub({
    env: { STREAMHUB_API_TOKEN: TOKEN, LIVEKIT_URL: "http://127.0.0.1:9", LIVEKIT_API_KEY: "APIerrors", LIVEKIT_API_SECRET: "errors-suite-secret-0123456789abcdef0123" },
  });
  expect((await call(node.url, "POST", "/api/v1/apps", { token: TOKEN, json: { name: "errs" } })).status).toBe(201);
});
afterAll(async () => {
  await node?.stop();
  if (node) removeDataDir(node.dataDir);
});

describe("a node whose LiveKit does not answer", () => {
  it("answers livekit_unreachable, reports health degraded with the reason, and logs only JSON", async () => {
    const created = await call(node.url, "POST", "/api/v1/apps/errs/ingress", { token: TOKEN, json: { inputType: "rtmp" } });
    expect(created.status).toBe(503);
    expect(created.body.error.code).toBe("livekit_unreachable");
    expect(created.body.error.message).toMatch(/^LiveKit at 127\.0\.0\.1:9 did not answer \(/);

    const health = await call(node.url, "GET", "/api/v1/health");
    expect(health.body.data).toMatchObject({ status: "degraded", livekit: { configured: true, reachable: false } });
    expect(health.body.data.reasons).toEqual([expect.stringMatching(/^the configured LiveKit \(LIVEKIT_URL\) does not answer/)]);

    // Give workerd a moment to print whatever it prints about the failed connections.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const lines = node.output().split("\n").filter((line) => line.trim() !== "" && !/^(streamhub|livekit): /.test(line));
    expect(lines.length).toBeGreaterThan(0);
    const notJson = lines.filter((line) => {
      try {
        return typeof JSON.parse(line) !== "object";
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
  });
});

describe("a node whose LiveKit accepts connections and never answers", () => {
  it("says degraded without naming LiveKit's address in the public answer, and names it in the log", async () => {
    // A LiveKit that hangs: each probe is a connection, held until the probe's own timeout.
    const sockets: Socket[] = [];
    const hanging = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const port = (hanging.address() as AddressInfo).port;
    const quiet = await startStreamHub({
      env: { STREAMHUB_API_TOKEN: TOKEN, LIVEKIT_URL: `http://127.0.0.1:${port}`, LIVEKIT_API_KEY: "APIerrors", LIVEKIT_API_SECRET: "errors-suite-secret-0123456789abcdef0123" },
    });
    try {
      const answers = await Promise.all(Array.from({ length: 10 }, () => call(quiet.url, "GET", "/api/v1/health")));
      expect(answers.map((a) => a.body.data.status)).toEqual(Array(10).fill("degraded"));
      expect(answers[0]!.body.data.reasons).toEqual(["the configured LiveKit (LIVEKIT_URL) does not answer (no answer in time)"]);
      for (const answer of answers) expect(JSON.stringify(answer.body)).not.toContain(String(port));
      expect(quiet.output()).toContain(`127.0.0.1:${port}`);
    } finally {
      await quiet.stop();
      removeDataDir(quiet.dataDir);
      for (const socket of sockets) socket.destroy();
      hanging.close();
    }
  });
});
