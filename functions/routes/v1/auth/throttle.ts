import type { Context } from "hono";
import { registry } from "../../../../core/actors.ts";
import { clientIp } from "../../../lib/auth/ip.ts";
import type { AppEnv } from "../../../lib/context.ts";
import { ApiError } from "../../../lib/errors.ts";

/**
 * One attempt at a password (signing in, or proving the current one before
 * changing it), counted per address and per account — the same counters for
 * both, so a stolen session gets no more guesses than a stranger at the
 * sign-in form. Counted as a failure before any hash work (parallel attempts
 * cannot slip past the limit); `succeeded()` takes it back. Throttled → 429.
 */
export async function admitPasswordAttempt(c: Context<AppEnv>, account: string): Promise<{ ip: string | null; succeeded(): Promise<void> }> {
  const config = c.get("config");
  const ip = clientIp(c, config);
  const address = `ip:${ip ?? "unknown"}`;
  const user = `user:${account.toLowerCase()}`;
  const wait = await registry(c.env).admitLoginAttempt([address, user], config.AUTH_RATE_LIMIT_MAX, config.AUTH_RATE_LIMIT_WINDOW_MS);
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    throw new ApiError("too_many_requests", `too many failed attempts; try again in ${seconds} s`, { headers: { "Retry-After": String(seconds) } });
  }
  return { ip, succeeded: () => registry(c.env).loginSucceeded(user, address) };
}
