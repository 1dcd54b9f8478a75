import { z } from "@hono/zod-openapi";

// The envelope (lib/envelope.ts) as the OpenAPI document describes it. Only the
// REST API's route table, loaded on demand (functions/index.ts), imports this:
// the routes served from the first moment answer without zod.

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
