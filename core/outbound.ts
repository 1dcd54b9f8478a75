// Which fetch reaches a URL a tenant configured (a webhook endpoint, an S3
// endpoint) when private addresses are not allowed.
//
// The text check (net.ts isPrivateTarget) sees only the URL: a public-looking
// name that resolves to 127.0.0.1, a private network or 169.254.169.254 passes
// it. Workers cannot resolve names, so the check at the network is left to the
// runtime:
// - under plain workerd (`npm start`) the Worker's global outbound allows
//   private and local addresses (LiveKit and the like are often on loopback);
//   selfhost/workerd.capnp therefore binds PUBLIC_NET, a network service that
//   allows "public" addresses only. workerd resolves the name and refuses to
//   connect to anything else itself.
// - on Cloudflare there is no such binding and none is needed: a Worker's
//   fetch never reaches private addresses, loopback or a metadata service.
// - with the allow-private setting on (and in the workers tests, whose
//   receivers are on 127.0.0.1) the global fetch is used.

/** The binding's name in selfhost/workerd.capnp (absent from wrangler.toml on purpose). */
export const PUBLIC_NET = "PUBLIC_NET";

export interface Outbound {
  fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  /** True when only public addresses can be reached through `fetch`: a failure may be a refused private address. */
  publicOnly: boolean;
}

/** The fetch for tenant-configured URLs: the public-only network when private addresses are not allowed and the binding exists. */
export function outbound(env: object, allowPrivate: boolean): Outbound {
  const binding = (env as Record<string, unknown>)[PUBLIC_NET] as Fetcher | undefined;
  if (!allowPrivate && binding && typeof binding.fetch === "function") {
    return { fetch: (input, init) => binding.fetch(input, init), publicOnly: true };
  }
  return { fetch: (input, init) => fetch(input, init), publicOnly: false };
}
