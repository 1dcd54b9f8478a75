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
