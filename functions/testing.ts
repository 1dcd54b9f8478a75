// Helpers for tests that call the Worker inside workerd (vitest plugin).
import { SELF, env } from "cloudflare:test";

const bindings = env as unknown as Record<string, string>;

/** The bootstrap token from vitest.config.ts; the Registry seeds it on first use. */
export const BOOTSTRAP_TOKEN = bindings.STREAMHUB_API_TOKEN!;
export const ADMIN = { user: bindings.ADMIN_USER!, password: bindings.ADMIN_PASS! };

/** A caller's address as workerd reports it (`cf.clientIp`); not a trusted proxy unless it is loopback. */
export const DEFAULT_PEER = "198.51.100.7:40000";

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  /** Bearer credential; the bootstrap token when not given, none when null. */
  token?: string | null;
  /** The direct peer, `ip:port`. */
  peer?: string;
}

/** Calls the Worker; JSON bodies are sent as JSON, JSON answers parsed. */
export async function api<T = any>(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
  const headers = new Headers(options.headers);
  const token = options.token === undefined ? BOOTSTRAP_TOKEN : options.token;
  if (token !== null && !headers.has("Authorization")) headers.set("Authorization", `Bearer ${token}`);
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  }
  const init = { method, headers, body, cf: { clientIp: options.peer ?? DEFAULT_PEER } };
  const response = await SELF.fetch(`http://streamhub.test${path}`, init as RequestInit);
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
/** A name no other test in this isolate uses (valid as an app name, tenant id or email local part). */
export const uniqueName = (prefix = "app") => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
export const uniqueAppName = uniqueName;

async function expectCreated(response: ApiResponse) {
  if (response.status !== 201) throw new Error(`expected 201, got ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.data;
}

export const createTenant = async (quotas?: Record<string, number>, plan = "free") =>
  expectCreated(await api("POST", "/api/v1/tenants", { json: { id: uniqueName("t"), name: "Test tenant", plan, quotas } }));

export const createApp = async (tenantId?: string, name = uniqueName()) =>
  expectCreated(await api("POST", "/api/v1/apps", { json: { name, tenantId } }));

/** A user with a password, a member of `tenantId` with `role`. */
export async function createUser(tenantId: string | undefined, role: "owner" | "editor" | "viewer" = "viewer", extra: { isSuperadmin?: boolean } = {}) {
  const email = `${uniqueName("user")}@example.test`;
  const password = "a-long-test-password-1";
  const user = await expectCreated(await api("POST", "/api/v1/users", { json: { email, password, tenantId, role, ...extra } }));
  return { ...user, email, password };
}

export async function login(user: string, password: string, peer = DEFAULT_PEER): Promise<string> {
  const response = await api("POST", "/api/v1/auth/login", { token: null, json: { user, password }, peer });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.data.token;
}

export const createToken = async (json: Record<string, unknown>, token?: string) =>
  expectCreated(await api("POST", "/api/v1/tokens", { json, token }));

/** The LiveKit stand-in's address (test/livekit/global-setup.ts). */
export const LIVEKIT_URL = bindings.LIVEKIT_URL!;

/**
 * Drives the LiveKit stand-in (a participant joins, publishes, leaves; an
 * ingress starts or stops) and delivers the webhooks it signed to StreamHub,
 * as LiveKit would. Returns the control answer and StreamHub's replies.
 */
export interface StandinWebhook {
  body: string;
  authorization: string;
  event: string;
}

export async function livekit(action: string, input: Record<string, unknown> = {}): Promise<{ webhooks: StandinWebhook[]; delivered: number[]; [field: string]: any }> {
  const response = await fetch(`${LIVEKIT_URL}/_test/${action}`, { method: "POST", body: JSON.stringify(input) });
  const body = (await response.json()) as { webhooks?: StandinWebhook[] } & Record<string, any>;
  if (!response.ok) throw new Error(`stand-in ${action}: ${response.status} ${JSON.stringify(body)}`);
  const delivered: number[] = [];
  for (const webhook of body.webhooks ?? []) delivered.push((await deliverWebhook(webhook)).status);
  return { ...body, webhooks: body.webhooks ?? [], delivered };
}

export const deliverWebhook = (webhook: { body: string; authorization: string }) =>
  api("POST", "/api/v1/webhooks/livekit", { token: null, body: webhook.body, headers: { Authorization: webhook.authorization, "Content-Type": "application/webhook+json" } });


/** Whether `promise` settles within a few milliseconds (it is not waiting on anything that will not come). */
export async function settled(promise: Promise<unknown>, withinMs = 10): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setTimeout(resolve, withinMs));
  return done;
}
