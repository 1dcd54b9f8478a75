// Every route in the OpenAPI document (so a new route is covered the day it
// is added) gets a battery of malformed requests against the real workerd.
// None may answer 5xx, body malformations must be 4xx, and nothing is stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, removeDataDir, startStreamHub, type RunningStreamHub } from "./harness.ts";

const TOKEN = "sk_malformed_suite_token_0123456789abcdefghij";
let node: RunningStreamHub;

beforeAll(async () => {
  // LiveKit keys set (nothing listens at the URL) so that every route is live, none a 503.
  node = await startStreamHub({
    env: {
      STREAMHUB_API_TOKEN: TOKEN,
      LIVEKIT_URL: "http://127.0.0.1:9",
      LIVEKIT_API_KEY: "APImalformed",
      LIVEKIT_API_SECRET: "malformed-suite-secret-0123456789abcdef",
      STREAMHUB_CLUSTER_TOKEN: "malformed-cluster-token-0123",
    },
  });
  expect((await call(node.url, "POST", "/api/v1/apps", { token: TOKEN, json: { name: "probe-app" } })).status).toBe(201);
});
afterAll(async () => {
  await node.stop();
  removeDataDir(node.dataDir);
});

interface Operation {
  method: string;
  path: string;
  hasBody: boolean;
  /** Each body field with the JSON types its schema accepts. */
  bodyFields: { name: string; types: Set<string>; boundedString: boolean }[];
  queryParams: string[];
}

async function operations(): Promise<Operation[]> {
  const doc = (await call(node.url, "GET", "/api/v1/openapi.json")).body;
  const resolve = (schema: any): any => (schema?.$ref ? doc.components.schemas[schema.$ref.split("/").pop()] : schema);
  return Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const bodySchema = resolve(op.requestBody?.content?.["application/json"]?.schema);
      return {
        method: method.toUpperCase(),
        path,
        hasBody: Boolean(op.requestBody),
        bodyFields: Object.entries((bodySchema?.properties ?? {}) as Record<string, any>).map(([name, schema]) => ({
          name,
          types: jsonTypes(schema),
          boundedString: [schema, ...(schema.anyOf ?? [])].some((s: any) => s.maxLength || s.pattern || s.format),
        })),
        queryParams: (op.parameters ?? []).filter((p: any) => p.in === "query").map((p: any) => p.name),
      };
    }),
  );
}

/** The JSON types a property schema accepts (`type`, `type: [...]`, or `anyOf`). */
function jsonTypes(schema: any): Set<string> {
  const types = new Set<string>();
  for (const part of [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
    for (const type of [part.type ?? []].flat()) types.add(type === "integer" ? "number" : type);
  }
  return types;
}

const typeOf = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value);

/** Values of a JSON type the field does not accept (and, for bounded strings, a string far too long). */
const wrongValuesFor = (field: Operation["bodyFields"][number]) => [
  ...[{ $bad: [1] }, [[1]], 12345.5, "not-the-right-type", true, null].filter((value) => !field.types.has(typeOf(value))),
  ...(field.boundedString ? ["x".repeat(10_000)] : []),
];

const fill = (path: string, value: string) => path.replace(/\{[^}]+\}/g, value);

const deepJson = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

/** `{"name":"` + two bytes that are not UTF-8 + `"}` */
const INVALID_UTF8 = new Uint8Array([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);

/** Everything the API stores, as the global token sees it. */
const snapshot = async () => {
  const read = async (path: string) => (await call(node.url, "GET", path, { token: TOKEN })).body;
  return {
    apps: await read("/api/v1/apps?limit=1000"),
    tenants: await read("/api/v1/tenants?limit=1000"),
    users: await read("/api/v1/users?limit=1000"),
    tokens: (await read("/api/v1/tokens?limit=1000")).data.map((t: { id: string; revoked: boolean }) => [t.id, t.revoked]),
  };
};

describe("malformed input on every route", () => {
  it("never answers 5xx, answers 4xx to every bad body, and stores nothing", async () => {
    const before = await snapshot();
    const ops = await operations();
    expect(ops.length).toBeGreaterThanOrEqual(6);
    const failures: string[] = [];
    const expectStatus = (label: string, status: number, ok: (s: number) => boolean) => {
      if (!ok(status)) failures.push(`${label} → ${status}`);
    };
    const is4xx = (s: number) => s >= 400 && s < 500;
    const not5xx = (s: number) => s < 500;

    for (const op of ops) {
      for (const param of ["no-such-app", "%00", "..", "%2e%2e%2f", "x".repeat(3000), "%C3%BC", "%ZZ", "'%20OR%201=1"]) {
        const path = fill(op.path, param);
        const label = `${op.method} ${path.slice(0, 60)}`;
        const sent = await call(node.url, op.method, path, { token: TOKEN, json: op.hasBody ? {} : undefined });
        expectStatus(`${label} {}`, sent.status, not5xx);
        if (sent.status >= 400 && (typeof sent.body !== "object" || sent.body?.error?.code === undefined)) {
          failures.push(`${label}: error without the envelope`);
        }
      }

      const path = fill(op.path, "probe-app");
      const label = `${op.method} ${op.path}`;
      for (const value of ["", "-1", "1e309", "x".repeat(5000), "%00", "[]", "{}"]) {
        for (const param of op.queryParams) {
          const response = await call(node.url, op.method, `${path}?${param}=${value}`, { token: TOKEN, json: op.hasBody ? {} : undefined });
          expectStatus(`${label} ?${param}=${value.slice(0, 10)}`, response.status, not5xx);
        }
      }
      // A well-formed request to a route without a body would be carried out (DELETE would delete).
      if (!op.hasBody) continue;

      const bodies: [string, string | Uint8Array, Record<string, string>][] = [
        ["broken JSON", '{"name":', { "Content-Type": "application/json" }],
        ["text/plain", "hello", { "Content-Type": "text/plain" }],
        ["form", "a=b", { "Content-Type": "application/x-www-form-urlencoded" }],
        ["JSON array", "[1,2,3]", { "Content-Type": "application/json" }],
        ["JSON string", '"x"', { "Content-Type": "application/json" }],
        ["JSON null", "null", { "Content-Type": "application/json" }],
        ["deep nesting", deepJson(100_000), { "Content-Type": "application/json" }],
        ["2 MB", JSON.stringify({ name: "x".repeat(2_000_000) }), { "Content-Type": "application/json" }],
        ["invalid UTF-8 in JSON", INVALID_UTF8, { "Content-Type": "application/json" }],
      ];
      for (const [what, body, headers] of bodies) {
        try {
          const response = await call(node.url, op.method, path, { token: TOKEN, body, headers });
          expectStatus(`${label} ${what}`, response.status, is4xx);
        } catch (error) {
          failures.push(`${label} ${what}: ${(error as Error).message} ${String((error as Error).cause)}`);
        }
      }
      for (const field of op.bodyFields) {
        for (const value of wrongValuesFor(field)) {
          const response = await call(node.url, op.method, path, { token: TOKEN, json: { [field.name]: value } });
          expectStatus(`${label} ${field.name}=${JSON.stringify(value).slice(0, 12)}`, response.status, is4xx);
        }
      }
    }

    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });
});
