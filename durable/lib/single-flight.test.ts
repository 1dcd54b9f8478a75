import { describe, expect, it } from "vitest";
import { SingleFlight } from "./single-flight.ts";

describe("SingleFlight", () => {
  it("gives whoever asks while a key's run is under way that run's answer, and runs again after it", async () => {
    const flights = new SingleFlight<number>();
    let runs = 0;
    let finish!: () => void;
    const work = () => {
      runs++;
      return new Promise<number>((resolve) => (finish = () => resolve(runs)));
    };
    const first = flights.run("room-a", work);
    const second = flights.run("room-a", work);
    const other = flights.run("room-b", async () => 99);
    finish();
    expect(await Promise.all([first, second, other])).toEqual([1, 1, 99]);
    expect(runs).toBe(1);
    // Done: the next ask runs anew.
    const third = flights.run("room-a", work);
    finish();
    expect(await third).toBe(2);
  });

  it("forgets a run that failed, so the next ask tries again", async () => {
    const flights = new SingleFlight<string>();
    await expect(flights.run("k", async () => Promise.reject(new Error("LiveKit down")))).rejects.toThrow("LiveKit down");
    expect(await flights.run("k", async () => "started")).toBe("started");
  });
});
