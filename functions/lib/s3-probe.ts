import { AwsClient } from "aws4fetch";
import { randomBytes, toHex } from "../../core/crypto/encoding.ts";
import type { Outbound } from "../../core/outbound.ts";
import { transportFailure } from "../../core/transport.ts";
import { keyUnder, objectUrl, type S3Credentials, type S3Settings } from "../../core/s3.ts";
import { ApiError, type ErrorCode } from "./errors.ts";

const PROBE_TIMEOUT_MS = 10_000;

/** A signing client for the app's bucket (aws4fetch, SigV4). */
export const s3Client = (settings: S3Settings, credentials: S3Credentials) =>
  new AwsClient({ ...credentials, service: "s3", region: settings.region, retries: 0 });

/**
 * Signed requests to the app's bucket, sent through `via`: with
 * STREAMHUB_S3_ALLOW_PRIVATE off that is the public-only network
 * (core/outbound.ts), so an endpoint whose name resolves to a private address
 * is refused at every request, not only judged by its text when saved.
 */
export const s3Fetch = (settings: S3Settings, credentials: S3Credentials, via: Outbound) => {
  const client = s3Client(settings, credentials);
  return async (url: string, init: RequestInit = {}): Promise<Response> => via.fetch(await client.sign(url, init));
};

/** S3's error `<Code>` in an XML body, if any. */
async function s3ErrorCode(response: Response): Promise<string | null> {
  const text = await response.text().catch(() => "");
  return /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? null;
}

const refuse = (code: ErrorCode, message: string, step: string) => new ApiError(code, message, { details: { step } });

/** What a failed S3 answer means for the person configuring it. */
function explain(step: string, status: number, code: string | null, settings: S3Settings): ApiError {
  switch (code) {
    case "InvalidAccessKeyId":
      return refuse("s3_invalid_key", "the S3 access key id is not known to the provider", step);
    case "SignatureDoesNotMatch":
      return refuse("s3_invalid_secret", "the S3 secret does not match the access key id", step);
    case "NoSuchBucket":
      return refuse("s3_bucket_not_found", `bucket "${settings.bucket}" does not exist at this endpoint`, step);
    case "AccessDenied":
    case "AllAccessDisabled":
      return refuse("s3_access_denied", `the key may not ${step} objects in bucket "${settings.bucket}"`, step);
    case "PermanentRedirect":
    case "AuthorizationHeaderMalformed":
    case "IllegalLocationConstraintException":
      return refuse("s3_wrong_region", `bucket "${settings.bucket}" is not in region "${settings.region}" (or not at this endpoint)`, step);
  }
  if (status === 404) return refuse("s3_bucket_not_found", `bucket "${settings.bucket}" does not exist at this endpoint`, step);
  if (status === 301 || status === 307) return refuse("s3_wrong_region", `the provider redirected: bucket "${settings.bucket}" is elsewhere`, step);
  return refuse("s3_probe_failed", `S3 answered ${status}${code ? ` ${code}` : ""} to the ${step} probe`, step);
}

/**
 * Proves settings work before they are saved: writes a small object under the
 * prefix, reads it back, deletes it. Any failure is a 400 naming the step and
 * what it means (unreachable, unknown key, wrong secret, no bucket, no
 * permission, wrong region).
 */
export async function probeS3(settings: S3Settings, credentials: S3Credentials, via: Outbound): Promise<void> {
  const send = s3Fetch(settings, credentials, via);
  const url = objectUrl(settings, keyUnder(settings.prefix, ".streamhub-probe", toHex(randomBytes(8))));
  const host = URL.parse(url)?.host ?? url;
  const content = `streamhub probe ${new Date().toISOString()}`;
  const call = async (step: string, init: RequestInit) => {
    try {
      return await send(url, { ...init, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    } catch (error) {
      const privateHint = via.publicOnly ? " (only public addresses are reached: the name may resolve to a private, loopback or metadata address; STREAMHUB_S3_ALLOW_PRIVATE=1 allows those)" : "";
      throw refuse("s3_unreachable", `could not reach ${host}: ${transportFailure(error)}${privateHint}`, step);
    }
  };

  const written = await call("write", { method: "PUT", body: content, headers: { "Content-Type": "text/plain" } });
  if (!written.ok) throw explain("write", written.status, await s3ErrorCode(written), settings);
  const read = await call("read", { method: "GET" });
  if (!read.ok) throw explain("read", read.status, await s3ErrorCode(read), settings);
  if ((await read.text()) !== content) throw refuse("s3_probe_failed", "the object read back differs from the one written", "read");
  const deleted = await call("delete", { method: "DELETE" });
  if (!deleted.ok && deleted.status !== 404) throw explain("delete", deleted.status, await s3ErrorCode(deleted), settings);
}
