// The backup timer keeps the RPO under an hour (a run every 30 minutes: one
// failed run costs about an hour, not two). Every unit, these included, is
// checked by systemd-analyze in test/selfhost/install.node.test.ts.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../selfhost/build.ts";

describe("the backup timer", () => {
  it("back up every 30 minutes: RPO ≤ 1 h with room for a failed run", () => {
    const timer = readFileSync(join(ROOT, "selfhost/systemd/streamhub-backup.timer"), "utf8");
    const calendar = /^OnCalendar=(.+)$/m.exec(timer)![1]!;
    const delay = Number(/^RandomizedDelaySec=(\d+)min$/m.exec(timer)?.[1] ?? 0);
    const result = spawnSync("systemd-analyze", ["calendar", calendar, "--iterations=6"], { encoding: "utf8" });
    const times = [...result.stdout.matchAll(/(?:Next elapse|Iter\. #\d+): \w+ (\S+ \S+) UTC/g)].map((m) => Date.parse(`${m[1]!.replace(" ", "T")}Z`));
    expect(times).toHaveLength(6);
    const widest = Math.max(...times.slice(1).map((t, i) => t - times[i]!)) / 60_000;
    expect(widest + delay).toBeLessThanOrEqual(60);
    expect(widest).toBeLessThanOrEqual(30);
    expect(timer).toMatch(/^Persistent=true$/m);
  });
});
