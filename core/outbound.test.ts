import { describe, expect, it } from "vitest";
import { outbound } from "./outbound.ts";

describe("the fetch for tenant-configured URLs", () => {
  const binding = { fetch: async (input: RequestInfo | URL) => new Response(`via binding: ${input instanceof Request ? input.url : String(input)}`) };

  it("goes through the public-only network when private addresses are not allowed and it is bound (selfhost)", async () => {
    const via = outbound({ PUBLIC_NET: binding }, false);
    expect(via.publicOnly).toBe(true);
    expect(await (await via.fetch("https://hooks.example.com/x")).text()).toBe("via binding: https://hooks.example.com/x");
  });

  it("uses the global fetch when private addresses are allowed, or when nothing is bound (Cloudflare, which never reaches them)", () => {
    expect(outbound({ PUBLIC_NET: binding }, true).publicOnly).toBe(false);
    expect(outbound({}, false).publicOnly).toBe(false);
  });
});
