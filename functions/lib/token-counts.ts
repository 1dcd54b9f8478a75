import type { Context } from "hono";
import { appActor } from "../../core/actors.ts";
import { describeError, log } from "../../core/log.ts";
import type { AppEnv } from "./context.ts";

/** How often this isolate hands its counts to the app actors. */
const FLUSH_EVERY_MS = 5_000;

type Counted = "join_tokens" | "publisher_tokens";

let pending = new Map<string, Partial<Record<Counted, number>>>();
let flushedAt = Date.now();

/**
 * Counts a join token (the hot path makes no call into the app's actor for
 * it: a publisher's only call is to the tenant's quota ledger). Counts are
 * handed to each app's actor in the background at most every few seconds, one
 * call per app; an isolate that dies first loses the last few seconds of
 * counts (they are usage numbers, not an audit trail).
 */
export function countJoinToken(c: Context<AppEnv>, app: string, counter: Counted): void {
  const counts = pending.get(app) ?? {};
  counts[counter] = (counts[counter] ?? 0) + 1;
  pending.set(app, counts);
  if (Date.now() - flushedAt >= FLUSH_EVERY_MS) c.executionCtx.waitUntil(flushTokenCounts(c.env));
}

/** Hands every count kept so far to its app's actor. */
export async function flushTokenCounts(env: Env): Promise<void> {
  flushedAt = Date.now();
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
