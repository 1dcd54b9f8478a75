import { addressingProblem, endpointOf, type S3Settings } from "../../../../../core/s3.ts";
import { isPrivateTarget } from "../../../../../core/net.ts";
import { outbound } from "../../../../../core/outbound.ts";
import { appActor } from "../../../../../core/actors.ts";
import { appRoute, newApp } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema } from "../../../../lib/schemas.ts";
import { ok } from "../../../../lib/envelope.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { probeS3 } from "../../../../lib/s3-probe.ts";
import { MaskedS3Schema, PutS3Body } from "./schema.ts";

const getRoute = appRoute("s3:read", {
  method: "get",
  path: "/",
  tags: ["s3"],
  summary: "The app's S3 bucket settings (keys masked)",
  responses: {
    200: { description: "Settings", content: { "application/json": { schema: envelopeSchema(MaskedS3Schema) } } },
    ...commonErrorResponses,
  },
});

const putRoute = appRoute("s3:write", {
  method: "put",
  path: "/",
  tags: ["s3"],
  summary: "Set the app's S3 bucket (proven before it is saved)",
  description:
    "Writes, reads back and deletes a small probe object with the given settings first; if any step fails the answer is a 400 naming what failed (s3_endpoint_private, s3_unreachable, s3_invalid_key, s3_invalid_secret, s3_bucket_not_found, s3_access_denied, s3_wrong_region, s3_probe_failed) and nothing is saved. An endpoint given as an IP address needs forcePathStyle: true. Keys are stored encrypted; an empty or absent key or secret keeps the stored one. A new public_url needs confirmPublic: true.",
  request: { body: { required: true, content: { "application/json": { schema: PutS3Body } } } },
  responses: {
    200: { description: "Saved", content: { "application/json": { schema: envelopeSchema(MaskedS3Schema) } } },
    ...commonErrorResponses,
  },
});

const PUBLIC_WARNING = "Recordings are reachable by anyone at public_url; turn it off to serve them only through short-lived signed links.";

function masked(stored: Awaited<ReturnType<ReturnType<typeof appActor>["getS3"]>>) {
  const settings = stored?.settings;
  return {
    provider: settings?.provider ?? null,
    bucket: settings?.bucket ?? null,
    region: settings?.region ?? null,
    endpoint: settings?.endpoint ?? null,
    forcePathStyle: settings?.forcePathStyle ?? null,
    prefix: settings?.prefix ?? null,
    public_url: settings?.publicUrl ?? null,
    key: stored?.keyMasked ?? null,
    secret: stored?.secretMasked ?? null,
    keyMasked: stored?.keyMasked ?? null,
    secretMasked: stored?.secretMasked ?? null,
    hasKey: Boolean(stored?.keyMasked),
    hasSecret: Boolean(stored?.secretMasked),
    configured: Boolean(stored),
    publicVods: Boolean(settings?.publicUrl),
    publicWarning: settings?.publicUrl ? PUBLIC_WARNING : null,
  };
}

/** /api/v1/apps/{app}/s3: the app's own bucket, for recordings and HLS. */
export const s3Api = newApp();

s3Api.openapi(getRoute, async (c) => ok(c, masked(await appActor(c.env, c.get("app").name).getS3())));

s3Api.openapi(putRoute, async (c) => {
  const body = c.req.valid("json");
  const actor = appActor(c.env, c.get("app").name);
  const current = await actor.getS3();
  const stored = await actor.s3Credentials();
  const credentials = { accessKeyId: body.key || stored?.accessKeyId || "", secretAccessKey: body.secret || stored?.secretAccessKey || "" };
  if (!credentials.accessKeyId || !credentials.secretAccessKey) {
    throw new ApiError("validation_failed", "give both key and secret the first time", { details: [{ path: body.key ? "secret" : "key", message: "required" }] });
  }
  const publicUrl = body.public_url === undefined ? (current?.settings.publicUrl ?? null) : body.public_url;
  if (publicUrl && publicUrl !== current?.settings.publicUrl && body.confirmPublic !== true) {
    throw new ApiError("validation_failed", `a public_url makes every recording public: send confirmPublic: true to confirm. ${PUBLIC_WARNING}`);
  }
  const settings: S3Settings = {
    provider: body.provider,
    // AWS with no endpoint clears any endpoint set before.
    endpoint: body.endpoint ?? null,
    region: body.region,
    bucket: body.bucket,
    prefix: body.prefix.replace(/^\/+|\/+$/g, ""),
    forcePathStyle: body.forcePathStyle ?? !(body.provider === "aws" || body.provider === "wasabi"),
    publicUrl,
  };
  const addressing = addressingProblem(settings);
  if (addressing) throw new ApiError("validation_failed", addressing, { details: [{ path: "forcePathStyle", message: addressing }] });
  // Tenants may not aim StreamHub at the node's own network unless the operator allows it (a MinIO beside StreamHub).
  if (!c.get("config").STREAMHUB_S3_ALLOW_PRIVATE && isPrivateTarget(endpointOf(settings))) {
    throw new ApiError("s3_endpoint_private", "the endpoint is on a private, loopback or metadata address (STREAMHUB_S3_ALLOW_PRIVATE=1 allows it)");
  }
  // The text check above is the early answer; the probe goes through the public-only network, which also catches a name resolving to a private address.
  await probeS3(settings, credentials, outbound(c.env, c.get("config").STREAMHUB_S3_ALLOW_PRIVATE));
  await actor.putS3(settings, credentials);
  return ok(c, masked(await actor.getS3()));
});
