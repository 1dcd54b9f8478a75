// The backup timer and service (selfhost/systemd/streamhub-backup.*) and the
// cluster agent's unit are valid systemd units, and the timer keeps the RPO under an hour (a run every
// 30 minutes: one failed run costs about an hour, not two).
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../selfhost/build.ts";

const UNITS = ["streamhub-backup.service", "streamhub-backup.timer", "streamhub-agent.service"];

describe("the backup and agent units", () => {
  it("pass systemd-analyze verify (but for the node binary of an installed checkout)", () => {
    const dir = mkdtempSync(join(tmpdir(), "streamhub-units-"));
    try {
      for (const unit of UNITS) copyFileSync(join(ROOT, "selfhost/systemd", unit), join(dir, unit));
      const result = spawnSync("systemd-analyze", ["verify", "--man=no", ...UNITS.map((unit) => join(dir, unit))], { encoding: "utf8" });
      const problems = result.stderr
        .split("\n")
        .filter((line) => line.trim() && !/Command \/opt\/streamhub\/node_modules\/\.bin\/node is not executable/.test(line));
      expect(problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

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
