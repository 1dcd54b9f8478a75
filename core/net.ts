import type { Context } from "hono";
import { ipRestriction } from "hono/ip-restriction";
import { distinctRemoteAddr } from "hono/utils/ipaddr";

// Addresses and networks, for both sides: IP allowlists (API tokens), trusted
// proxies, and the check that keeps outbound calls (webhooks, S3) off private
// networks. Matched by Hono's own ip-restriction matcher (IPv4, IPv6, exact or
// CIDR, IPv4-mapped IPv6), which runs anywhere.

type Check = ReturnType<typeof ipRestriction>;
const checks = new Map<string, Check>();

/** Hono's matcher as a predicate; built once per distinct rule list. Throws TypeError for an invalid rule. */
function checkFor(rules: readonly string[]): Check {
  const key = rules.join(",");
  let check = checks.get(key);
  if (!check) {
    check = ipRestriction((c) => c.get("matchIp" as never) as string, { allowList: [...rules] }, () => new Response(null, { status: 403 }));
    if (checks.size > 1_000) checks.clear();
    checks.set(key, check);
  }
  return check;
}

export const isIpAddress = (value: string): boolean => distinctRemoteAddr(value) !== undefined;

/** True when `ip` is one of `rules` (addresses or CIDR ranges). */
export async function ipInList(ip: string, rules: readonly string[]): Promise<boolean> {
  if (rules.length === 0 || !isIpAddress(ip)) return false;
  let inList = false;
  const context = { get: () => ip } as unknown as Context;
  await checkFor(rules)(context, async () => {
    inList = true;
  });
  return inList;
}

/** Whether a rule is an address or CIDR range the matcher accepts. */
export function isValidIpRule(rule: string): boolean {
  try {
    checkFor([rule]);
    return !rule.includes("*");
  } catch {
    return false;
  }
}

// Loopback, private, link-local, carrier-grade NAT, benchmarking, multicast and
// reserved IPv4; and IPv6 loopback, unspecified, unique-local, link-local,
// site-local, IPv4-compatible, NAT64 and 6to4 (which can carry an IPv4 address
// inside). IPv4-mapped IPv6 addresses are matched against the IPv4 ranges by
// Hono's matcher itself.
const PRIVATE_RANGES = [
  "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
  "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
  "::/96", "64:ff9b::/96", "64:ff9b:1::/48", "2002::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
];
const PRIVATE_NAMES = /^(localhost|.*\.localhost|.*\.local|.*\.internal|.*\.home\.arpa|metadata\.google\.internal)$/i;

/**
 * Whether a webhook URL points at this node, a private network or a cloud
 * metadata service (SSRF). Only literal addresses and well-known names can be
 * judged here: Workers cannot resolve DNS, so a public name that resolves to a
 * private address is not caught by this check. It is the early answer when a
 * URL is saved; the connection itself goes through the public-only network
 * (core/outbound.ts), which catches such names where the runtime can.
 */
export async function isPrivateTarget(url: string): Promise<boolean> {
  // "localhost." is localhost: names may end in a dot.
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "").replace(/\.+$/, "");
  if (PRIVATE_NAMES.test(host)) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host)?.[1];
  return ipInList(mapped ?? host, PRIVATE_RANGES);
}
