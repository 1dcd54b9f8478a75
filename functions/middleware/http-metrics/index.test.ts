// Its own file, so that this isolate's first request is the one below.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import app from "../../index.ts";
import { metricsActor } from "../../../core/actors.ts";
import { FLUSH_INTERVAL_MS } from "./index.ts";

const healthAnswered = /^streamhub_http_requests_total\{method="GET",route="\/api\/v1\/health",status="200"\} (\d+)$/m;

/** A request as workerd serves it, returned once whatever it left running (the flush) has ended. */
async function get(path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`http://streamhub.test${path}`), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("the Worker's HTTP counts", () => {
  it("go to the Metrics actor one interval after the isolate's first request, not with its answer", { timeout: FLUSH_INTERVAL_MS + 10_000 }, async () => {
    expect((await get("/api/v1/health")).status).toBe(200);
    expect(await metricsActor(env).exposition()).not.toMatch(healthAnswered);

    await new Promise((resolve) => setTimeout(resolve, FLUSH_INTERVAL_MS));
    expect((await get("/api/v1/health")).status).toBe(200);
    // Both, the first one included: it was kept, not dropped.
    expect((await metricsActor(env).exposition()).match(healthAnswered)?.[1]).toBe("2");
  });
});
