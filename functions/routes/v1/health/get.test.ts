import { SELF } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { settled } from "../../../testing.ts";
import { storageOk } from "./get.ts";

afterEach(() => vi.useRealTimers());

describe("GET /api/v1/health", () => {
  it("answers without credentials, with storage ok and LiveKit (the stand-in) reachable", async () => {
    const response = await SELF.fetch("http://streamhub.test/api/v1/health");
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Request-Id")).toMatch(/^req_/);
    const body = await response.json<any>();
    expect(body.error).toBeNull();
    expect(body.data).toMatchObject({ status: "ok", up: true, storage: { ok: true }, livekit: { reachable: true } });
    expect(body.data.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Number.isInteger(body.data.uptimeSeconds)).toBe(true);
  });
});

// workerd ties a call to the request that made it: if that request is cancelled, the call never
// settles, and a request waiting on it would hang into workerd's own 500 (lib/livekit-probe.ts).
describe("the storage probe of health", () => {
  it("asks the Registry once at a time, answers the others with the last answer, and is not held by a call that never answers", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const calls: ((answer: { ok: boolean }) => void)[] = [];
    const registry = { health: () => new Promise<{ ok: boolean }>((resolve) => calls.push(resolve)) };
    const env = { REGISTRY: { idFromName: () => "registry", get: () => registry } } as unknown as Env;
    const later = (ms: number) => vi.setSystemTime(Date.now() + ms);

    later(10_000); // past any answer cached by the tests before
    const primed = storageOk(env, "req_a");
    calls.at(-1)!({ ok: true });
    expect(await primed).toBe(true);

    later(1_500); // past the 1 s cache: the next call asks, and never hears back (its request was cancelled)
    const abandoned = storageOk(env, "req_b");
    const meanwhile = storageOk(env, "req_c");
    expect(await settled(meanwhile)).toBe(true);
    expect(await meanwhile).toBe(true);
    expect(await settled(abandoned)).toBe(false);
    const asked = calls.length;

    later(6_000); // the abandoned call no longer holds anyone back: the next one asks again
    const next = storageOk(env, "req_d");
    expect(calls).toHaveLength(asked + 1);
    calls.at(-1)!({ ok: false });
    expect(await next).toBe(false);
  });
});
