// The served OpenAPI document, validated by an independent OpenAPI 3.1 validator.
// (That it lists every registered route is checked inside workerd, against the
// route table: functions/routes/v1/openapi/get.test.ts.)
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, removeDataDir, startStreamHub, type RunningStreamHub } from "./harness.ts";

let node: RunningStreamHub;
beforeAll(async () => {
  node = await startStreamHub();
});
afterAll(async () => {
  await node.stop();
  removeDataDir(node.dataDir);
});

describe("GET /api/v1/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const response = await call(node.url, "GET", "/api/v1/openapi.json");
    expect(response.status).toBe(200);
    const validator = new Validator();
    const result = await validator.validate(response.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("documents the error envelope on every protected operation", async () => {
    const doc = (await call(node.url, "GET", "/api/v1/openapi.json")).body;
    for (const [path, operations] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        if ((operation.security ?? []).length === 0) continue;
        expect(operation.responses["401"], `${method} ${path}`).toBeDefined();
        expect(operation.responses["401"].content["application/json"].schema.$ref).toBe("#/components/schemas/Error");
      }
    }
  });
});
