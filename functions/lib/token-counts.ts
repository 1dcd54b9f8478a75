import type { Context } from "hono";
import { appActor } from "../../core/actors.ts";
import { describeError, log } from "../../core/log.ts";
import type { AppEnv } from "./context.ts";

/** How often this isolate hands its counts to the app actors. */
const FLUSH_EVERY_MS = 5_000;

let pending = new Map<string, number>();
let flushedAt = Date.now();

/**
 * Counts a subscriber join token minted without calling the app's actor (the
 * hot path makes no call for it). Counts are handed to each app's actor in
 * the background at most every few seconds, one call per app; an isolate that
 * dies first loses the last few seconds of counts (they are usage numbers, not
 * an audit trail).
 */
export function countJoinToken(c: Context<AppEnv>, app: string): void {
  pending.set(app, (pending.get(app) ?? 0) + 1);
  if (Date.now() - flushedAt < FLUSH_EVERY_MS) return;
  flushedAt = Date.now();
  const counts = pending;
  pending = new Map();
  const flush = Promise.all(
    [...counts].map(([name, n]) =>
      appActor(c.env, name)
        .countTokens({ join_tokens: n })
        .catch((error) => log("warn", "could not hand token counts to the app", { app: name, ...describeError(error) })),
    ),
  );
  c.executionCtx.waitUntil(flush);
}
