import { describe, expect, it } from "vitest";
import { ERRORS } from "../../../lib/errors.ts";
import { api } from "../../../testing.ts";
import { PUBLIC_ROUTES } from "./enrich.ts";

const METHODS = ["get", "put", "post", "delete", "patch"];

async function operations() {
  const doc = (await api("GET", "/api/v1/openapi.json", { token: null })).body;
  return {
    doc,
    ops: Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({ key: `${method.toUpperCase()} ${path}`, operation: item[method] })),
    ),
  };
}

describe("the OpenAPI document, for integrators", () => {
  it("has a request example for every body and an example of every answer of every operation", async () => {
    const { ops } = await operations();
    const missing: string[] = [];
    for (const { key, operation } of ops) {
      for (const [type, media] of Object.entries((operation.requestBody?.content ?? {}) as Record<string, any>)) {
        if (media.example === undefined && media.examples === undefined) missing.push(`${key} request ${type}`);
      }
      for (const [status, response] of Object.entries(operation.responses as Record<string, any>)) {
        for (const [type, media] of Object.entries((response.content ?? {}) as Record<string, any>)) {
          if (media.example === undefined && media.examples === undefined) missing.push(`${key} ${status} ${type}`);
        }
      }
      if (!Object.values(operation.responses as Record<string, any>).some((r) => r.content)) missing.push(`${key}: no answer with an example`);
    }
    expect(missing).toEqual([]);
  });

  it("lists under each error status the codes an operation can answer, with their meaning and an example each", async () => {
    const { ops } = await operations();
    const wrong: string[] = [];
    for (const { key, operation } of ops) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, any>)) {
        if (Number(status) < 400) continue;
        const codes = (response["x-error-codes"] ?? []) as (keyof typeof ERRORS)[];
        if (codes.length === 0) wrong.push(`${key} ${status}: no codes`);
        for (const code of codes) {
          if (ERRORS[code]?.status !== Number(status)) wrong.push(`${key} ${status}: ${code} has status ${ERRORS[code]?.status}`);
          if (!String(response.description).includes(`\`${code}\`: ${ERRORS[code]?.meaning}`)) wrong.push(`${key} ${status}: ${code} without its meaning`);
          if (response.content?.["application/json"]?.examples?.[code]?.value?.error?.code !== code) wrong.push(`${key} ${status}: no example of ${code}`);
        }
      }
      const all = Object.values(operation.responses as Record<string, any>).flatMap((r) => r["x-error-codes"] ?? []);
      for (const code of ["validation_failed", "internal_error"]) if (!all.includes(code)) wrong.push(`${key}: ${code} missing`);
      if ((operation.security ?? []).length > 0 && !all.includes("unauthorized")) wrong.push(`${key}: unauthorized missing`);
      if (operation.requestBody && !all.includes("json_too_complex")) wrong.push(`${key}: json_too_complex missing`);
    }
    expect(wrong).toEqual([]);
  });

  it("lists every error code on some operation (a new code needs its place in enrich.ts)", async () => {
    const { ops } = await operations();
    const listed = new Set(ops.flatMap(({ operation }) => Object.values(operation.responses as Record<string, any>).flatMap((r) => r["x-error-codes"] ?? [])));
    // Not an operation's own answer: no such route, or another method.
    const unlisted = Object.keys(ERRORS).filter((code) => !listed.has(code) && code !== "not_found" && code !== "method_not_allowed");
    expect(unlisted).toEqual([]);
  });

  it("describes the quota denial's metric, limit and used wherever a quota can refuse", async () => {
    const { doc, ops } = await operations();
    const quota = doc.components.schemas.QuotaExceeded;
    expect(Object.keys(quota.properties.error.properties)).toEqual(expect.arrayContaining(["metric", "limit", "used"]));
    const refusing = ops.filter(({ operation }) => operation.responses["429"]?.["x-error-codes"]?.includes("quota_exceeded")).map(({ key }) => key);
    expect(refusing).toEqual(expect.arrayContaining(["POST /api/v1/apps", "POST /api/v1/apps/{app}/tokens", "POST /api/v1/apps/{app}/ingress", "POST /api/v1/apps/{app}/recording/start"]));
    for (const key of refusing) {
      const response = ops.find((op) => op.key === key)!.operation.responses["429"];
      expect(JSON.stringify(response.content["application/json"].schema)).toContain("QuotaExceeded");
      expect(response.content["application/json"].examples.quota_exceeded.value.error).toMatchObject({ metric: expect.any(String), limit: expect.any(Number), used: expect.any(Number) });
    }
  });

  it("describes the public routes outside /api", async () => {
    const { doc } = await operations();
    for (const prefix of ["/hls/", "/play/", "/embed/", "/sdk/", "/samples/", "/metrics"]) {
      expect(PUBLIC_ROUTES.some(({ route }) => route.includes(` ${prefix}`))).toBe(true);
      expect(doc.info.description).toContain(prefix);
    }
  });
});
