import type { Context } from "hono";
import { ipRestriction } from "hono/ip-restriction";
import { describe, expect, it } from "vitest";
import { ipInList, isPrivateTarget, isValidIpRule } from "./net.ts";

/** Hono's ip-restriction middleware, as the oracle the compiled matcher must agree with. */
async function honoSays(ip: string, rules: string[]): Promise<boolean> {
  let allowed = false;
  const check = ipRestriction(() => ip, { allowList: rules }, () => new Response(null, { status: 403 }));
  await check({} as Context, async () => {
    allowed = true;
  });
  return allowed;
}

const RULES = [
  ["127.0.0.1/8", "::1"],
  ["10.0.0.0/8", "192.168.1.7", "2001:db8::/32"],
  ["0.0.0.0/0"],
  ["::/0"],
  ["::ffff:203.0.113.0/120"],
  ["203.0.113.9/32", "fe80::/10", "100.64.0.0/10"],
  ["64:ff9b::/96", "::ffff:10.1.2.3"],
];
const ADDRESSES = [
  "127.0.0.1", "127.255.255.254", "128.0.0.1", "::1", "::2", "10.1.2.3", "11.0.0.1", "192.168.1.7", "192.168.1.8",
  "2001:db8::1", "2001:db9::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:203.0.113.77", "203.0.113.77",
  "203.0.113.9", "fe80::1", "fec0::1", "100.64.0.1", "100.128.0.1", "64:ff9b::a01:203", "0.0.0.0", "255.255.255.255",
];

describe("IP lists", () => {
  it("match as Hono's ip-restriction matcher does, for IPv4, IPv6, CIDR ranges and IPv4-mapped addresses", async () => {
    for (const rules of RULES) {
      for (const ip of ADDRESSES) expect([rules, ip, ipInList(ip, rules)]).toEqual([rules, ip, await honoSays(ip, rules)]);
    }
  });

  it("say no for what is not an address, and for an empty list", () => {
    expect(ipInList("not-an-ip", ["0.0.0.0/0"])).toBe(false);
    expect(ipInList("1:2:3:4:5:6:7:8:9", ["::/0"])).toBe(false);
    expect(ipInList("127.0.0.1", [])).toBe(false);
  });

  it("accept addresses and prefixes within range as rules, nothing else", () => {
    for (const rule of ["10.0.0.0/8", "10.0.0.1", "::1", "2001:db8::/32", "0.0.0.0/0", "::ffff:1.2.3.0/120"]) expect([rule, isValidIpRule(rule)]).toEqual([rule, true]);
    for (const rule of ["*", "10.0.0.0/33", "::/129", "10.0.0.0/8/8", "10.0.0/8", "host.example", "10.0.0.0/x", ""]) expect([rule, isValidIpRule(rule)]).toEqual([rule, false]);
  });

  it("judge webhook targets by their literal address or well-known name", () => {
    for (const url of ["http://127.0.0.1/", "http://[::1]:8080/", "http://[::ffff:10.0.0.1]/", "http://169.254.169.254/", "http://localhost./x", "http://metadata.google.internal/"]) {
      expect([url, isPrivateTarget(url)]).toEqual([url, true]);
    }
    for (const url of ["https://hooks.example.com/", "http://203.0.113.5/", "http://[2001:db8::5]/"]) expect([url, isPrivateTarget(url)]).toEqual([url, false]);
  });
});
