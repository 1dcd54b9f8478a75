import { z } from "@hono/zod-openapi";
import { S3_PROVIDERS } from "../../../../../core/s3.ts";

export const MaskedS3Schema = z
  .object({
    provider: z.enum(S3_PROVIDERS).nullable(),
    bucket: z.string().nullable(),
    region: z.string().nullable(),
    endpoint: z.string().nullable(),
    forcePathStyle: z.boolean().nullable(),
    prefix: z.string().nullable(),
    public_url: z.string().nullable(),
    key: z.string().nullable().openapi({ description: "The access key id, masked" }),
    secret: z.string().nullable().openapi({ description: "The secret, masked" }),
    keyMasked: z.string().nullable(),
    secretMasked: z.string().nullable(),
    hasKey: z.boolean(),
    hasSecret: z.boolean(),
    configured: z.boolean(),
    publicVods: z.boolean(),
    publicWarning: z.string().nullable(),
  })
  .openapi("MaskedS3");

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const PutS3Body = z
  .strictObject({
    provider: z.enum(S3_PROVIDERS),
    bucket: z.string().regex(BUCKET, "must be a valid bucket name (3–63 characters of a-z, 0-9, . and -)"),
    region: z.string().regex(/^[a-z0-9-]{2,32}$/, "must be a region name such as us-east-1 (auto for R2)").default("us-east-1"),
    endpoint: z.url({ protocol: /^https?$/, error: "must be an http or https URL" }).max(512).nullable().optional(),
    forcePathStyle: z.boolean().optional(),
    prefix: z.string().max(256).regex(/^[\w.\-/]*$/, "may hold letters, digits, _, ., - and /").default(""),
    public_url: z.url({ protocol: /^https?$/, error: "must be an http or https URL" }).max(512).nullable().optional(),
    confirmPublic: z.boolean().optional(),
    key: z.string().max(256).optional().openapi({ description: "Access key id; empty or absent keeps the stored one" }),
    secret: z.string().max(256).optional().openapi({ description: "Secret; write-only, empty or absent keeps the stored one" }),
  })
  .superRefine((body, ctx) => {
    if ((body.provider === "minio" || body.provider === "r2" || body.provider === "other") && !body.endpoint) {
      ctx.addIssue({ code: "custom", path: ["endpoint"], message: `a ${body.provider} bucket needs its endpoint URL` });
    }
  })
  .openapi("PutS3");
