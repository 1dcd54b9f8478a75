// The event catalog (docs/webhook-events.md) must list every event StreamHub
// records, so that a new event cannot ship undocumented.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../selfhost/build.ts";

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") && !entry.name.includes(".test.") ? [join(dir, entry.name)] : [],
  );

describe("webhook event catalog", () => {
  it("documents every event the code records", () => {
    const catalog = readFileSync(join(ROOT, "docs/webhook-events.md"), "utf8");
    const recorded = new Set<string>();
    for (const file of [...sources(join(ROOT, "durable")), ...sources(join(ROOT, "functions"))]) {
      for (const match of readFileSync(file, "utf8").matchAll(/(?:recordEvent|recordAppEvent)\(\s*"([a-z_.]+)"/g)) recorded.add(match[1]!);
      for (const match of readFileSync(file, "utf8").matchAll(/envelope\(messageId, "([a-z_.]+)"/g)) recorded.add(match[1]!);
    }
    expect(recorded.size).toBeGreaterThan(8);
    for (const event of recorded) expect(catalog, event).toContain(`| \`${event}\` |`);
  });
});
