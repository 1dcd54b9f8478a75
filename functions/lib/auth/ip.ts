import type { Context } from "hono";
import type { Config } from "../../../core/config.ts";
import { ipInList, isIpAddress } from "../../../core/net.ts";

/** `127.0.0.1:51234` or `[::1]:51234` (workerd's `cf.clientIp`) → the address alone. */
function stripPort(peer: string | undefined): string | null {
  if (!peer) return null;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(peer);
  if (bracketed) return bracketed[1]!;
  const ipv4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(peer);
  if (ipv4WithPort) return ipv4WithPort[1]!;
  return isIpAddress(peer) ? peer : null;
}

/**
 * The caller's address (API.md decision 3): the direct peer, or — only when the
 * peer is a trusted proxy (Caddy on loopback by default) — the right-most
 * `X-Forwarded-For` entry that is not itself a trusted proxy. Null when it
 * cannot be known.
 *
 * `CF-Connecting-IP` counts only with TRUST_CLOUDFLARE and only on
 * Cloudflare's own network, where the Worker has no peer of its own and
 * Cloudflare sets the header. Under workerd there is a peer, and anyone who
 * reaches the node could send the header; behind Cloudflare → Caddy, list
 * Cloudflare's ranges in TRUSTED_PROXIES instead.
 */
export function clientIp(c: Context, config: Config): string | null {
  const cf = (c.req.raw as { cf?: { clientIp?: string } }).cf;
  const peer = stripPort(cf?.clientIp);
  if (!peer) {
    const fromCloudflare = config.TRUST_CLOUDFLARE ? c.req.header("CF-Connecting-IP")?.trim() : undefined;
    return fromCloudflare && isIpAddress(fromCloudflare) ? fromCloudflare : null;
  }
  if (!ipInList(peer, config.TRUSTED_PROXIES)) return peer;

  const forwarded = (c.req.header("X-Forwarded-For") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const hop = forwarded[i]!;
    if (!isIpAddress(hop)) return null;
    if (!ipInList(hop, config.TRUSTED_PROXIES)) return hop;
  }
  return peer;
}
