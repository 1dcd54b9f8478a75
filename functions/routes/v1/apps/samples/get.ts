import { appActor } from "../../../../../core/actors.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../../lib/schemas.ts";
import { ok } from "../../../../lib/envelope.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { SampleParams, SampleSchema } from "./schema.ts";

const route = appRoute("sample:read", {
  method: "get",
  path: "/{file}",
  tags: ["samples"],
  summary: "Read a sample page's source",
  request: { params: SampleParams },
  responses: {
    200: { description: "The page", content: { "application/json": { schema: envelopeSchema(SampleSchema) } } },
    404: errorResponse("No such app, or no such page in it"),
    ...commonErrorResponses,
  },
});

export const registerSamplesGet = (app: App) =>
  app.openapi(route, async (c) => {
    const { file } = c.req.valid("param");
    const sample = await appActor(c.env, c.get("app").name).getSample(file);
    if (!sample) throw new ApiError("sample_not_found", `no sample page "${file}"`);
    return ok(c, { file: sample.name, content: sample.content });
  });
