import { convertIPv4MappedIPv6ToIPv4, convertIPv6ToBinary, distinctRemoteAddr, isIPv4MappedIPv6 } from "hono/utils/ipaddr";

// Addresses and networks, for both sides: IP allowlists (API tokens), trusted
// proxies, and the check that keeps outbound calls (webhooks, S3) off private
// networks. Addresses are parsed by Hono's own IP utilities (IPv4, IPv6,
// IPv4-mapped IPv6); a rule list is compiled once into numeric networks, and
// an IPv4 address (the common case: every request behind Caddy asks whether
// its peer is a trusted proxy) is matched with 32-bit arithmetic.

/** A rule list as networks: IPv4 ones as 32-bit numbers (IPv4-mapped IPv6 rules among them), IPv6 ones as 128-bit. */
interface Networks {
  v4: { network: number; mask: number }[];
  v6: { network: bigint; mask: bigint }[];
}

const compiled = new WeakMap<readonly string[], Networks>();

/** An IPv4 address (one distinctRemoteAddr accepted) as an unsigned 32-bit number, without BigInt. */
const ipv4Number = (ip: string) => {
  const [a = 0, b = 0, c = 0, d = 0] = ip.split(".").map(Number);
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
};

const v4Mask = (prefix: number) => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
const v6Mask = (prefix: number) => ((1n << BigInt(prefix)) - 1n) << BigInt(128 - prefix);

/** Throws TypeError for a rule that is not an address or an address/prefix. */
function compile(rules: readonly string[]): Networks {
  const networks: Networks = { v4: [], v6: [] };
  for (const rule of rules) {
    const [address = "", prefixText, extra] = rule.split("/");
    const type = distinctRemoteAddr(address);
    if (type === undefined || extra !== undefined || (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText))) throw new TypeError(`Invalid rule: ${rule}`);
    const bits = type === "IPv4" ? 32 : 128;
    let prefix = prefixText === undefined ? bits : Number(prefixText);
    if (prefix > bits) throw new TypeError(`Invalid rule: ${rule}`);
    try {
      if (type === "IPv4") {
        const mask = v4Mask(prefix);
        networks.v4.push({ network: (ipv4Number(address) & mask) >>> 0, mask });
        continue;
      }
      const binary = convertIPv6ToBinary(address);
      if (isIPv4MappedIPv6(binary) && prefix >= 96) {
        prefix -= 96;
        const mask = v4Mask(prefix);
        networks.v4.push({ network: (Number(convertIPv4MappedIPv6ToIPv4(binary)) & mask) >>> 0, mask });
        continue;
      }
      const mask = v6Mask(prefix);
      networks.v6.push({ network: binary & mask, mask });
    } catch {
      // Hono's parser refused the address.
      throw new TypeError(`Invalid rule: ${rule}`);
    }
  }
  return networks;
}

function networksOf(rules: readonly string[]): Networks {
  let networks = compiled.get(rules);
  if (!networks) compiled.set(rules, (networks = compile(rules)));
  return networks;
}

export const isIpAddress = (value: string): boolean => distinctRemoteAddr(value) !== undefined;

/** True when `ip` is one of `rules` (addresses or CIDR ranges); false for anything that is not an address. */
export function ipInList(ip: string, rules: readonly string[]): boolean {
  if (rules.length === 0) return false;
  const type = distinctRemoteAddr(ip);
  if (type === undefined) return false;
  const { v4, v6 } = networksOf(rules);
  let v4Address: number | undefined;
  if (type === "IPv4") {
    v4Address = ipv4Number(ip);
  } else {
    let binary: bigint;
    try {
      binary = convertIPv6ToBinary(ip);
    } catch {
      return false;
    }
    if (v6.some(({ network, mask }) => (binary & mask) === network)) return true;
    // An IPv4-mapped address is also its IPv4 address.
    if (!isIPv4MappedIPv6(binary)) return false;
    v4Address = Number(convertIPv4MappedIPv6ToIPv4(binary));
  }
  return v4.some(({ network, mask }) => ((v4Address & mask) >>> 0) === network);
}

/** Whether a rule is an address or CIDR range the matcher accepts. */
export function isValidIpRule(rule: string): boolean {
  try {
    compile([rule]);
    return true;
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
export function isPrivateTarget(url: string): boolean {
  // "localhost." is localhost: names may end in a dot.
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "").replace(/\.+$/, "");
  if (PRIVATE_NAMES.test(host)) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host)?.[1];
  return ipInList(mapped ?? host, PRIVATE_RANGES);
}
