import { afterEach, describe, expect, it, vi } from "vitest";
import { settled } from "../testing.ts";
import { livekitReachable } from "./livekit-probe.ts";

afterEach(() => vi.restoreAllMocks());

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

    vi.setSystemTime(Date.now() + 6_000); // past the 5 s cache
    const prober = livekitReachable(url, false);
    const meanwhile = livekitReachable(url, false);
    expect(await settled(meanwhile)).toBe(true);
    expect(await settled(prober)).toBe(false);
    expect(fetches.spy).toHaveBeenCalledTimes(2);
    fetches.answerAll();
    expect(await prober).toMatchObject({ reachable: true });
    vi.useRealTimers();
  });

  it("before any answer, each call probes for itself; a probe that never settles holds nothing back", async () => {
    const url = "http://livekit-b.test";
    const fetches = heldFetch();
    const abandoned = livekitReachable(url, false);
    const second = livekitReachable(url, false);
    expect(fetches.spy).toHaveBeenCalledTimes(2);
    // The first caller's fetch never answers (its request was cancelled); the second is not held by it.
    fetches.answer(1);
    expect(await second).toMatchObject({ reachable: true });
    expect(await settled(abandoned)).toBe(false);
  });
});
