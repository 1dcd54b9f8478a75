import { afterEach, describe, expect, it, vi } from "vitest";
import { settled } from "../testing.ts";
import { livekitReachable } from "./livekit-probe.ts";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A fetch that answers only when told to, counting its calls. */
function heldFetch() {
  const answers: ((response: Response) => void)[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(() => new Promise<Response>((resolve) => answers.push(resolve)));
  return {
    spy,
    answer: (call: number) => answers[call]!(new Response("OK")),
    answerAll: () => answers.forEach((answer) => answer(new Response("OK"))),
  };
}

const later = (ms: number) => vi.setSystemTime(Date.now() + ms);

// workerd ties a fetch to the request that made it: if that request is cancelled, the
// fetch never settles, and a request waiting on it hangs into workerd's own 500 (seen
// under wrk, which cuts requests off when it stops). So no call waits on another's probe.
describe("the LiveKit probe", () => {
  it("while a probe is under way, answers the others with the last answer instead of waiting on it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const url = "http://livekit-a.test";
    const fetches = heldFetch();
    const first = livekitReachable(url, false);
    fetches.answerAll();
    expect(await first).toMatchObject({ reachable: true });

    later(6_000); // past the 5 s cache
    const prober = livekitReachable(url, false);
    const meanwhile = livekitReachable(url, false);
    expect(await settled(meanwhile)).toBe(true);
    expect(await settled(prober)).toBe(false);
    expect(fetches.spy).toHaveBeenCalledTimes(2);
    fetches.answer(1);
    expect(await prober).toMatchObject({ reachable: true });
  });

  it("before any answer, the others wait for the first probe's answer without probing themselves", async () => {
    const url = "http://livekit-b.test";
    const fetches = heldFetch();
    const first = livekitReachable(url, false);
    const second = livekitReachable(url, false);
    expect(await settled(second, 50)).toBe(false);
    expect(fetches.spy).toHaveBeenCalledTimes(1);
    fetches.answer(0);
    expect(await first).toMatchObject({ reachable: true });
    expect(await second).toMatchObject({ reachable: true });
  });

  it("a probe that never settles (its request was cancelled) holds the others back only until its timeout", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const url = "http://livekit-c.test";
    const fetches = heldFetch();
    void livekitReachable(url, false); // never answered
    const waiting = livekitReachable(url, false);
    expect(await settled(waiting, 50)).toBe(false);
    later(3_000); // past the probe's 1.5 s timeout and its margin
    await settled(waiting, 50);
    expect(fetches.spy).toHaveBeenCalledTimes(2);
    fetches.answer(1);
    expect(await waiting).toMatchObject({ reachable: true });
  });
});
