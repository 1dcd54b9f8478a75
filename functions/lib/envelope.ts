import type { Context, TypedResponse } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { JSONParsed } from "hono/utils/types";
import type { ErrorCode } from "./errors.ts";

// The original StreamHub's envelope, kept so its SDK and integrators work
// unchanged: `{data, error:null}` on success, `{data:null, error:{…}}` on
// failure, and `{data:[…], total, limit, offset, error:null}` for pages.

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
