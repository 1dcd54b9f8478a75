import type { Context } from "hono";
import { matchedRoutes } from "hono/route";

/**
 * The route pattern that answered (`/api/v1/apps/:app/streams/:id`), never the
 * raw path: what access-log lines and HTTP metrics are labelled with, so that
 * their cardinality stays bounded and no path segment leaks. Read after the
 * handlers ran. A request a global middleware answered (a body too large, a
 * bad configuration) is labelled with the route it was headed for; one no
 * route matched is `unmatched` (a GET that none did falls to the dashboard's
 * catch-all, `/*`).
 */
export function routePattern(c: Context): string {
  // Asked twice per request (the access log and the HTTP metrics), both after the handlers ran: found
  // once, and kept on the context (not in a WeakMap keyed by it, whose entries cost the collector more).
  let pattern = c.get("routePattern");
  if (pattern === undefined) c.set("routePattern", (pattern = patternOf(c)));
  return pattern;
}

function patternOf(c: Context): string {
  const routes = matchedRoutes(c);
  const responder = routes[c.req.routeIndex];
  if (responder && responder.method !== "ALL") return responder.path;
  return routes.find((route) => route.method !== "ALL")?.path ?? "unmatched";
}

/** Where `:app` is among a pattern's segments (-1: nowhere), per pattern: the patterns are the route table's, a bounded set. */
const appSegment = new Map<string, number>();

/** The `{app}` of the request, read at the `:app` position of its pattern (null when it has none). */
export function appOfPattern(c: Context, pattern: string): string | null {
  let at = appSegment.get(pattern);
  if (at === undefined) appSegment.set(pattern, (at = pattern.split("/").indexOf(":app")));
  if (at === -1) return null;
  const segment = c.req.path.split("/")[at];
  return segment && /^[A-Za-z0-9_.-]{1,64}$/.test(segment) ? segment : null;
}
