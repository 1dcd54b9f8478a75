import { z } from "@hono/zod-openapi";
import type { Context, TypedResponse } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { JSONParsed } from "hono/utils/types";
import type { ErrorCode } from "./errors.ts";

// The original StreamHub's envelope, kept so its SDK and integrators work
// unchanged: `{data, error:null}` on success, `{data:null, error:{…}}` on
// failure, and `{data:[…], total, limit, offset, error:null}` for pages.

export const errorBodySchema = z
  .object({
    data: z.null(),
    error: z.object({
      code: z.string().openapi({ example: "validation_failed" }),
      message: z.string(),
      requestId: z.string(),
      details: z.unknown().optional(),
    }),
    message: z.string().openapi({ description: "`error.message` again, where the original StreamHub's clients read it" }),
  })
  .openapi("Error");

export const envelopeSchema = <T extends z.ZodType>(data: T): z.ZodObject<{ data: T; error: z.ZodNull }> =>
  z.object({ data, error: z.null() });

type PageShape<T extends z.ZodType> = {
  data: z.ZodArray<T>;
  total: z.ZodNumber;
  limit: z.ZodNumber;
  offset: z.ZodNumber;
  error: z.ZodNull;
};

export const pageSchema = <T extends z.ZodType>(item: T): z.ZodObject<PageShape<T>> =>
  z.object({
    data: z.array(item),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    error: z.null(),
  });

// Spelled out so the (huge) inferred Hono types need not be serialized; the
// casts restate what `c.json` returns (TypeScript cannot relate the two
// spellings of JSONParsed over a generic T).
type Json<T, S extends ContentfulStatusCode> = Response & TypedResponse<JSONParsed<T>, S, "json">;

export const ok = <T>(c: Context, data: T) => c.json({ data, error: null }, 200) as unknown as Json<{ data: T; error: null }, 200>;

export const created = <T>(c: Context, data: T) => c.json({ data, error: null }, 201) as unknown as Json<{ data: T; error: null }, 201>;

export const page = <T>(
  c: Context,
  data: T[],
  total: number,
  limit: number,
  offset: number,
) =>
  c.json({ data, total, limit, offset, error: null }, 200) as unknown as Json<{ data: T[]; total: number; limit: number; offset: number; error: null }, 200>;

export const errorBody = (code: ErrorCode, message: string, requestId: string, details?: unknown) => ({
  data: null,
  error: details === undefined ? { code, message, requestId } : { code, message, requestId, details },
  // Where the original StreamHub's (NestJS) clients read an error's reason: its dashboard shows it instead of "HTTP 400".
  message,
});

/** The error responses every protected route can give, for the OpenAPI document. */
const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: errorBodySchema } } });

export const commonErrorResponses = {
  400: errorResponse("Invalid input: validation_failed or malformed_json"),
  401: errorResponse("Missing, malformed, unknown or revoked credential"),
  403: errorResponse("The credential may not do this"),
  413: errorResponse("Request body over the size limit"),
  415: errorResponse("Request body is not JSON"),
  500: errorResponse("Unexpected failure; the cause is logged with the request id"),
} as const;

export { errorResponse };
