// The event catalog (core/events.ts) is the one list of app events: the code
// can record only its names (the type-checker holds `recordEvent` to it), and
// docs/webhook-events.md must document exactly that list, so an event cannot
// ship undocumented, nor the docs promise one that is never sent.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { APP_EVENTS, LIVEKIT_EVENTS } from "../core/events.ts";
import { ROOT } from "../selfhost/build.ts";

const documented = () =>
  new Set([...readFileSync(join(ROOT, "docs/webhook-events.md"), "utf8").matchAll(/^\| `([a-z_.]+)` \|/gm)].map((match) => match[1]!));

describe("webhook event catalog", () => {
  it("documents every event of the catalog, LiveKit's forwarded ones included", () => {
    const docs = documented();
    expect(APP_EVENTS.length).toBeGreaterThan(LIVEKIT_EVENTS.length);
    for (const event of APP_EVENTS) expect(docs.has(event), `${event} is not in docs/webhook-events.md`).toBe(true);
  });

  it("documents nothing the catalog does not have", () => {
    for (const event of documented()) expect(APP_EVENTS, `docs/webhook-events.md lists ${event}`).toContain(event);
  });
});
