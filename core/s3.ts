// An app's own S3-compatible bucket: where its settings point, and how object
// URLs are formed for each provider. Pure functions, shared by the Worker (the
// probe, presigned playback) and the app actor.

export const S3_PROVIDERS = ["aws", "wasabi", "minio", "r2", "other"] as const;
export type S3Provider = (typeof S3_PROVIDERS)[number];

/** The non-secret part of an app's S3 settings, kept in its actor's config. */
export interface S3Settings {
  provider: S3Provider;
  /** Empty for AWS and Wasabi (derived from the region). */
  endpoint: string | null;
  region: string;
  bucket: string;
  prefix: string;
  forcePathStyle: boolean;
  /** A public base URL the bucket's objects are served under (a CDN), if any. */
  publicUrl: string | null;
}

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The endpoint requests go to: the given one, or the provider's for the region. */
export function endpointOf(settings: S3Settings): string {
  if (settings.endpoint) return settings.endpoint.replace(/\/+$/, "");
  if (settings.provider === "wasabi") return `https://s3.${settings.region}.wasabisys.com`;
  return settings.region === "us-east-1" ? "https://s3.amazonaws.com" : `https://s3.${settings.region}.amazonaws.com`;
}

/** Whether a URL's host is an IPv4 or IPv6 literal (WHATWG URL already normalized it). */
const isIpLiteral = (hostname: string) => hostname.startsWith("[") || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);

/**
 * Why objects of these settings cannot be addressed, if they cannot: a
 * virtual-hosted URL puts the bucket in front of the host name, which an IP
 * address has none of (`bucket.203.0.113.5` is not a host).
 */
export function addressingProblem(settings: S3Settings): string | undefined {
  let endpoint: URL;
  try {
    endpoint = new URL(endpointOf(settings));
  } catch {
    return "the endpoint is not a URL";
  }
  if (!settings.forcePathStyle && isIpLiteral(endpoint.hostname)) {
    return "an endpoint given as an IP address needs path-style addressing: set forcePathStyle to true, or give the endpoint's host name";
  }
  return undefined;
}

const encodeKey = (key: string) => key.split("/").map(encodeURIComponent).join("/");

/** The URL of one object, path-style (`endpoint/bucket/key`) or virtual-hosted (`bucket.host/key`). */
export function objectUrl(settings: S3Settings, key: string): string {
  const endpoint = new URL(endpointOf(settings));
  if (settings.forcePathStyle) return `${endpoint.origin}/${settings.bucket}/${encodeKey(key)}`;
  return `${endpoint.protocol}//${settings.bucket}.${endpoint.host}/${encodeKey(key)}`;
}

/** `prefix/…/name` without doubled or leading slashes. */
export const keyUnder = (prefix: string, ...parts: string[]) =>
  [prefix, ...parts]
    .flatMap((part) => part.split("/"))
    .filter(Boolean)
    .join("/");
