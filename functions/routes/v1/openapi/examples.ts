// Examples for the OpenAPI document, made from the schemas themselves where a
// route gives none: each field's own `example` or `default` first, then a
// value its type, format and pattern accept, named after what the field is
// (an `email` looks like one, a `url` like a URL). So every operation shows a
// request and an answer even where its author wrote no example.

// The document is JSON; schemas are read loosely, as JSON.
type Schema = Record<string, any>;
type Components = Record<string, Schema>;

const SAMPLE_TIME = "2026-11-24T08:00:00.000Z";

/** Strings to try, in order, for a field whose pattern rules out the obvious. */
const CANDIDATES = ["demo", "demo-room", "main", "us-east-1", "recordings", "demo.html", "a1", "abc", "APIdemo", "sk_demo", "vod_1", "IN_demo", "EG_demo", "1.0.0"];

function stringFor(name: string, schema: Schema): string {
  const format = schema.format as string | undefined;
  const byFormat: Record<string, string> = {
    "date-time": SAMPLE_TIME,
    date: SAMPLE_TIME.slice(0, 10),
    email: "ops@example.com",
    uri: "https://example.com/hooks/streamhub",
    url: "https://example.com/hooks/streamhub",
    uuid: "6f1c1e9e-6a55-4d6b-9a4a-0e2f7a1c2b3d",
    ipv4: "203.0.113.7",
    ipv6: "2001:db8::7",
  };
  const byName: [RegExp, string][] = [
    [/e-?mail|user$/i, "ops@example.com"],
    [/url$/i, "https://example.com/hooks/streamhub"],
    [/(At|_at|Since|Until|^ts|time)$/, SAMPLE_TIME],
    [/password|secret/i, "a-long-secret-value-1"],
    [/room/i, "demo-room"],
    [/identity|participant/i, "host"],
    [/^(app|appName|name)$/i, "demo"],
    [/region/i, "us-east-1"],
    [/bucket/i, "recordings"],
    [/requestId/i, "req_3kq9TzWm"],
    [/id$/i, "demo-1"],
  ];
  const candidates = [
    ...(format && byFormat[format] ? [byFormat[format]] : []),
    ...byName.filter(([pattern]) => pattern.test(name)).map(([, value]) => value),
    ...CANDIDATES,
  ];
  const pattern = typeof schema.pattern === "string" ? safeRegExp(schema.pattern) : null;
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  const max = typeof schema.maxLength === "number" ? schema.maxLength : Infinity;
  const fits = (value: string) => value.length >= min && value.length <= max && (!pattern || pattern.test(value));
  return candidates.find(fits) ?? (pattern ? "demo" : "x".repeat(Math.max(min, Math.min(max, 4))));
}

const safeRegExp = (source: string) => {
  try {
    return new RegExp(source, "u");
  } catch {
    return null;
  }
};

function numberFor(schema: Schema): number {
  const integer = schema.type === "integer" || (Array.isArray(schema.type) && schema.type.includes("integer"));
  const low = typeof schema.minimum === "number" ? schema.minimum : typeof schema.exclusiveMinimum === "number" ? schema.exclusiveMinimum + (integer ? 1 : 0.5) : 1;
  const high = typeof schema.maximum === "number" ? schema.maximum : typeof schema.exclusiveMaximum === "number" ? schema.exclusiveMaximum - 1 : Infinity;
  const value = Math.min(Math.max(low, 1), high);
  return integer ? Math.ceil(value) : value;
}

/**
 * An example value for `schema`. `request`: only required properties and
 * those with an example of their own (a request example shows what to send,
 * not every option at once); otherwise every property.
 */
export function exampleFor(schema: Schema | undefined, components: Components, options: { request: boolean; name?: string; depth?: number }): unknown {
  const depth = options.depth ?? 0;
  if (!schema || depth > 10) return null;
  const next = { ...options, depth: depth + 1 };
  if (typeof schema.$ref === "string") return exampleFor(components[schema.$ref.split("/").pop()!], components, next);
  if ("example" in schema) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ("default" in schema) return schema.default;
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const key of ["anyOf", "oneOf"] as const) {
    if (Array.isArray(schema[key])) {
      const variants = (schema[key] as Schema[]).filter((variant) => variant.type !== "null");
      return exampleFor(variants[0] ?? schema[key][0], components, next);
    }
  }
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...(schema.allOf as Schema[]).map((part) => exampleFor(part, components, next)));
  }
  const type = Array.isArray(schema.type) ? (schema.type.find((t: string) => t !== "null") ?? "null") : schema.type;
  switch (type) {
    case "object": {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = new Set<string>(schema.required ?? []);
      const example: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(properties)) {
        if (options.request && !required.has(name) && !("example" in property)) continue;
        example[name] = exampleFor(property, components, { ...next, name });
      }
      return example;
    }
    case "array":
      return schema.maxItems === 0 ? [] : [exampleFor(schema.items, components, { ...next, name: options.name })];
    case "string":
      return stringFor(options.name ?? "", schema);
    case "integer":
    case "number":
      return numberFor(schema);
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return schema.properties ? exampleFor({ ...schema, type: "object" }, components, options) : null;
  }
}
