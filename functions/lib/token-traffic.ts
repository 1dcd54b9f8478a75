import type { Context } from "hono";
import { appActor } from "../../core/actors.ts";
import { describeError, log } from "../../core/log.ts";
import type { UsageCounter } from "../../durable/app/usage.ts";
import { executionContext, type AppEnv } from "./context.ts";
import { clientKey, fixedWindowLimiter } from "./rate-limit.ts";

// Join and play tokens are the traffic StreamHub serves most, and machine
// traffic: they are counted and (play tokens) rate-limited here, in the
// isolate, so that minting one costs no call into the app's actor.

/** How often this isolate hands its counts to the app actors. */
const FLUSH_EVERY_MS = 5_000;

let pending = new Map<string, Partial<Record<UsageCounter, number>>>();
let flushing = false;

/**
 * Counts a token. Counts are handed to each app's actor in the background a
 * few seconds after the first one since the last hand-over (the request that
 * counted it keeps the isolate busy until then), one call per app; an isolate
 * that dies first loses those few seconds of counts (usage numbers, not an
 * audit trail).
 */
export function countToken(c: Context<AppEnv>, app: string, counter: UsageCounter): void {
  const counts = pending.get(app) ?? {};
  counts[counter] = (counts[counter] ?? 0) + 1;
  pending.set(app, counts);
  if (flushing) return;
  flushing = true;
  const flushed = new Promise((resolve) => setTimeout(resolve, FLUSH_EVERY_MS)).then(() => flushTokenCounts(c.env));
  // Without an execution context (a test calling app.request) the flush runs on its own.
  executionContext(c)?.waitUntil(flushed);
}

/** An app deleted in this isolate: its counts go with it. */
export function forgetTokenCounts(app: string): void {
  pending.delete(app);
}

/** Hands every count kept so far to its app's actor. */
export async function flushTokenCounts(env: Env): Promise<void> {
  flushing = false;
  const byApp = pending;
  pending = new Map();
  await Promise.all(
    [...byApp].map(([name, counts]) =>
      appActor(env, name)
        .countTokens(counts)
        .catch((error) => log("warn", "could not hand token counts to the app", { app: name, ...describeError(error) })),
    ),
  );
}

/** Public play tokens per client address per minute, per app. */
export const PLAY_TOKENS_PER_WINDOW = 30;
const playTokens = fixedWindowLimiter({ limit: PLAY_TOKENS_PER_WINDOW, windowMs: 60_000 });

/** Admits one public play token for `ip` on `app`, or says how many seconds to wait (see fixedWindowLimiter). */
export const admitPlayToken = (app: string, ip: string, now = Date.now()): number => playTokens(`${app}|${clientKey(ip)}`, now);
