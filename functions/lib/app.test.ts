import { createRoute, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { jsonBody } from "../middleware/json-body/index.ts";
import { newApp } from "./app.ts";
import { onError } from "./error-handlers.ts";

/** One route with every kind of input the API checks, behind the JSON body middleware as in functions/index.ts. */
function api() {
  const app = newApp();
  app.use("*", jsonBody({ maxBytes: () => 1024 }));
  app.onError(onError);
  const route = createRoute({
    method: "post",
    path: "/rooms/{room}",
    request: {
      params: z.object({ room: z.string().regex(/^[a-z]+$/) }),
      query: z.object({ tag: z.union([z.string(), z.array(z.string())]).optional() }),
      body: { required: true, content: { "application/json": { schema: z.object({ size: z.number().int().max(10), mode: z.enum(["a", "b"]).default("a") }) } } },
    },
    responses: { 200: { description: "What the handler was given" } },
  });
  app.openapi(route, (c) => c.json({ room: c.req.valid("param").room, query: c.req.valid("query"), body: c.req.valid("json") }, 200));
  return app;
}

const post = (path: string, body?: string, contentType: string | null = "application/json") =>
  api().request(path, { method: "POST", ...(body === undefined ? {} : { body }), headers: contentType === null ? {} : { "Content-Type": contentType } });

describe("a route's inputs, checked against its schemas", () => {
  it("hands the handler what the schemas make of them", async () => {
    const response = await post("/rooms/lobby?tag=x&tag=y", '{"size":3}');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ room: "lobby", query: { tag: ["x", "y"] }, body: { size: 3, mode: "a" } });
    const once = await post("/rooms/lobby?tag=x", '{"size":3,"mode":"b"}', "application/json; charset=utf-8");
    expect(await once.json()).toMatchObject({ query: { tag: "x" }, body: { mode: "b" } });
  });

  it("refuses a bad path parameter, query or body with 400 validation_failed, naming the field", async () => {
    for (const [path, body, field] of [
      ["/rooms/Lobby", '{"size":3}', "room"],
      ["/rooms/lobby", '{"size":11}', "size"],
      ["/rooms/lobby", '{"size":3,"mode":"c"}', "mode"],
      ["/rooms/lobby", "[]", ""],
    ] as const) {
      const response = await post(path, body);
      expect(response.status, `${path} ${body}`).toBe(400);
      const answer = (await response.json()) as { error: { code: string; message: string; details: { path: string }[] } };
      expect(answer.error.code).toBe("validation_failed");
      expect(answer.error.details[0]!.path).toBe(field);
    }
  });

  it("answers a body the route does not take as @hono/zod-openapi did: 415 for another media type, 400 for none", async () => {
    const vendor = await post("/rooms/lobby", '{"size":3}', "application/vnd.acme.v2+json");
    expect(vendor.status).toBe(415);
    expect(((await vendor.json()) as { error: { code: string } }).error.code).toBe("unsupported_media_type");
    const missing = await post("/rooms/lobby", undefined);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("malformed_json");
    // A media type the route does not declare is refused even without a body.
    const text = await post("/rooms/lobby", undefined, "text/plain");
    expect(text.status).toBe(415);
    // An empty Content-Type counts as none: the body is checked as `{}`, which this schema refuses.
    const blank = await post("/rooms/lobby", undefined, "");
    expect(blank.status).toBe(400);
    expect(((await blank.json()) as { error: { code: string } }).error.code).toBe("validation_failed");
  });

  it("answers with the envelope in an app Hono makes from it (basePath), whose validators are the library's", async () => {
    const app = newApp().basePath("/v");
    app.onError(onError);
    app.openapi(createRoute({ method: "get", path: "/n", request: { query: z.object({ n: z.coerce.number().int() }) }, responses: {} }), (c) => c.json(c.req.valid("query")) as never);
    const response = await app.request("/v/n?n=x");
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("validation_failed");
  });

  it("is described in the OpenAPI document as written, without its middleware; a hidden route not at all", () => {
    const app = api();
    const described = createRoute({ method: "get", path: "/guarded", middleware: [(_c, next) => next()] as const, responses: { 204: { description: "none" } } });
    app.openapi(described, () => new Response(null, { status: 204 }) as never);
    app.openapi({ ...createRoute({ method: "get", path: "/hidden", responses: {} }), hide: true }, () => new Response(null, { status: 204 }) as never);
    const document = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "t", version: "1" } });
    const operation = document.paths!["/rooms/{room}"]!.post!;
    expect(operation.parameters!.map((p) => ("name" in p ? p.name : ""))).toEqual(["room", "tag"]);
    expect(operation.requestBody).toBeDefined();
    expect(Object.keys(document.paths!["/guarded"]!.get!)).not.toContain("middleware");
    expect(document.paths!["/hidden"]).toBeUndefined();
  });

  it("refuses at registration the inputs it does not check, rather than letting them through", () => {
    const app = newApp();
    const optional = createRoute({ method: "post", path: "/x", request: { body: { content: { "application/json": { schema: z.object({}) } } } }, responses: {} });
    expect(() => app.openapi(optional, () => new Response(null, { status: 204 }) as never)).toThrow(/optional JSON body/);
    const headers = createRoute({ method: "get", path: "/y", request: { headers: z.object({ "x-a": z.string() }) }, responses: {} });
    expect(() => app.openapi(headers, () => new Response(null, { status: 204 }) as never)).toThrow(/header and cookie/);
  });
});
