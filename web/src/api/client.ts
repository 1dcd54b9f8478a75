import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";
import { session } from "../auth/session.ts";

export type Schemas = components["schemas"];

/** A failure the API answered, with its machine code (API.md's error envelope). */
export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const bearer: Middleware = {
  onRequest({ request }) {
    const token = session.token();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
  onResponse({ request, response }) {
    // The session ended elsewhere (signed out, password changed, revoked): back to sign-in.
    // Not when the token has changed meanwhile (a password change hands this browser a new one).
    if (response.status === 401 && session.token() && request.headers.get("Authorization") === `Bearer ${session.token()}`) session.clear();
    return response;
  },
};

/** The one API client: paths and bodies typed from the server's OpenAPI document (schema.d.ts). */
export const api = createClient<paths>({ baseUrl: location.origin });
api.use(bearer);

/**
 * The `data` of a call's envelope, or an ApiFailure with the API's code and message.
 * `await unwrap(api.GET("/api/v1/apps"))`.
 */
export async function unwrap<T>(call: Promise<{ data?: { data: T } | undefined; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return (data as { data: T } | undefined)?.data as T;
  const envelope = (error as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
  throw new ApiFailure(response.status, envelope?.code ?? `http_${response.status}`, envelope?.message ?? response.statusText, envelope?.details);
}
