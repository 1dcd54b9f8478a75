// Generated bad input against a running StreamHub (started as `npm start`
// does, against the LiveKit stand-in): Schemathesis, pinned in
// test/fuzz/requirements.txt and installed by selfhost/install-test-deps.sh,
// reads the node's own OpenAPI document and sends each operation its
// examples, the schema's boundary values and a few thousand generated
// requests. No answer may be a 5xx, and every answer must match the schema
// the document gives for its status.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../selfhost/build.ts";
import { LiveKitStandin } from "../livekit/standin.ts";
import { call, removeDataDir, startStreamHub, type RunningStreamHub } from "../e2e/harness.ts";

const SCHEMATHESIS = join(ROOT, ".cache/schemathesis/venv/bin/schemathesis");
/** Works around a CPython 3.11 race between Schemathesis's worker threads (see the file). */
const HOOKS = join(ROOT, "test/fuzz/schemathesis_hooks.py");
const TOKEN = "sk_fuzz_suite_token_0123456789abcdefghijklmn";
const KEY = "APIfuzz";
const SECRET = "fuzz-suite-livekit-secret-0123456789abcdef";
/** Generated cases per operation in the fuzzing phase (examples and boundary values come on top). */
const MAX_EXAMPLES = 10;
/** The run is bounded by MAX_EXAMPLES; this only stops a run that hangs. */
const RUN_LIMIT_MS = 170_000;

let node: RunningStreamHub;
let standin: LiveKitStandin;

beforeAll(async () => {
  if (!existsSync(SCHEMATHESIS)) throw new Error(`Schemathesis is not installed at ${SCHEMATHESIS}: run bash selfhost/install-test-deps.sh`);
  standin = new LiveKitStandin({ apiKey: KEY, apiSecret: SECRET });
  await standin.listen();
  node = await startStreamHub({
    env: { STREAMHUB_API_TOKEN: TOKEN, LIVEKIT_URL: standin.url, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET, STREAMHUB_CLUSTER_TOKEN: "fuzz-cluster-token-0123456789" },
  });
  // One app for the generated requests to find (they name apps "demo" in the document's examples).
  expect((await call(node.url, "POST", "/api/v1/apps", { token: TOKEN, json: { name: "demo" } })).status).toBe(201);
});
afterAll(async () => {
  await node?.stop();
  if (node) removeDataDir(node.dataDir);
  await standin?.close();
});

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // In the node's data folder: Schemathesis keeps its replay cache (.schemathesis/) in the working directory.
    const child = spawn(SCHEMATHESIS, args, { cwd: node.dataDir, env: { ...process.env, SCHEMATHESIS_HOOKS: HOOKS, NO_COLOR: "1", COLUMNS: "200" }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), RUN_LIMIT_MS);
    // A venv moved from where it was made has a shebang that points nowhere: say so at once, not at the timeout.
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: null, output: `could not run ${SCHEMATHESIS} (${error.message}): run bash selfhost/install-test-deps.sh` });
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe("Schemathesis against the running node's OpenAPI document", () => {
  it("finds no 5xx and no answer that breaks the documented schema", { timeout: RUN_LIMIT_MS + 20_000 }, async () => {
    const { code, output } = await run([
      "run",
      `${node.url}/api/v1/openapi.json`,
      "--url",
      node.url,
      "--header",
      `Authorization: Bearer ${TOKEN}`,
      "--checks",
      "not_a_server_error,response_schema_conformance",
      "--phases",
      "examples,coverage,fuzzing",
      "--max-examples",
      String(MAX_EXAMPLES),
      "--seed",
      "15",
      "--workers",
      "2",
      "--request-timeout",
      "10",
      // The API only: the pages, player, SDK and HLS routes the document also describes answer HTML, scripts and media.
      "--include-path-regex",
      "^/api/",
      "--suppress-health-check",
      "all",
      "--warnings",
      "off",
      "--no-color",
    ]);
    const requests = Number(/(\d+) generated/.exec(output)?.[1] ?? 0);
    process.stdout.write(`schemathesis: ${requests} test cases, ${/=+ (.*) =+\s*$/.exec(output.trim())?.[1] ?? "no summary"}\n`);
    expect({ code, tail: code === 0 ? "" : output.slice(-12_000) }).toEqual({ code: 0, tail: "" });
    expect(requests).toBeGreaterThan(0);
  });
});
