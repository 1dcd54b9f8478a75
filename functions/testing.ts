// Helpers for tests that call the Worker inside workerd (vitest plugin).
import { SELF, env } from "cloudflare:test";

/** The bootstrap token from vitest.config.ts; the Registry seeds it on first use. */
export const BOOTSTRAP_TOKEN = (env as unknown as { STREAMHUB_API_TOKEN: string }).STREAMHUB_API_TOKEN;

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls the Worker with the bootstrap token unless `token` says otherwise; JSON bodies are sent as JSON. */
export async function api<T = any>(
  method: string,
  path: string,
  options: { json?: unknown; body?: BodyInit; headers?: Record<string, string>; token?: string | null } = {},
): Promise<ApiResponse<T>> {
  const headers = new Headers(options.headers);
  const token = options.token === undefined ? BOOTSTRAP_TOKEN : options.token;
  if (token !== null && !headers.has("Authorization")) headers.set("Authorization", `Bearer ${token}`);
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  }
  const response = await SELF.fetch(`http://streamhub.test${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (e.g. Swagger UI's HTML): keep the text.
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

let counter = 0;
/** A valid app name no other test in this isolate uses. */
export const uniqueAppName = (prefix = "app") => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
