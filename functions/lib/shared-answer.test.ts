import { afterEach, describe, expect, it, vi } from "vitest";
import { settled } from "../testing.ts";
import { SharedAnswer } from "./shared-answer.ts";

afterEach(() => vi.useRealTimers());

/** Asks that answer only when told to. */
function heldAsks() {
  const answers: ((value: string) => void)[] = [];
  return { ask: () => new Promise<string>((resolve) => answers.push(resolve)), answers };
}

describe("an answer shared by the isolate's requests", () => {
  it("keeps the newer answer when an older ask, given up on, answers last", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const shared = new SharedAnswer<string>(1_000, 5_000);
    const { ask, answers } = heldAsks();
    const older = shared.get(ask);
    vi.setSystemTime(Date.now() + 6_000); // the first ask is given up on: the next one asks again
    const newer = shared.get(ask);
    await settled(newer);
    expect(answers).toHaveLength(2);
    answers[1]!("new");
    expect(await newer).toBe("new");
    answers[0]!("old");
    expect(await older).toBe("old");
    expect(shared.last).toBe("new");
    expect(await shared.get(ask)).toBe("new");
  });
});
