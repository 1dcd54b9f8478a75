import { appActor } from "../../../../../core/actors.ts";
import { SAMPLE_MAX_BYTES, SAMPLES_MAX } from "../../../../../durable/app/samples.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../../lib/schemas.ts";
import { ok } from "../../../../lib/envelope.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { PutSampleBody, SampleSavedSchema, WritableSampleParams } from "./schema.ts";

const route = appRoute("sample:write", {
  method: "put",
  path: "/{file}",
  tags: ["samples"],
  summary: "Write a sample page (a new one, or over one of the same name)",
  description: `Served at \`/samples/{app}/{file}\` with the content type of its extension. At most ${SAMPLE_MAX_BYTES / 1024} KB a page and ${SAMPLES_MAX} pages an app (the defaults included).`,
  request: { params: WritableSampleParams, body: { required: true, content: { "application/json": { schema: PutSampleBody } } } },
  responses: {
    200: { description: "Saved", content: { "application/json": { schema: envelopeSchema(SampleSavedSchema) } } },
    409: errorResponse("The app has as many pages as it may keep (sample_limit_reached)"),
    ...commonErrorResponses,
    413: errorResponse("The page is over 256 KB (sample_too_large), or the body over the API's limit"),
  },
});

export const registerSamplesPut = (app: App) =>
  app.openapi(route, async (c) => {
    const { file } = c.req.valid("param");
    const { content } = c.req.valid("json");
    const saved = await appActor(c.env, c.get("app").name).putSample(file, content);
    if (!saved.ok) {
      if (saved.code === "too_large") throw new ApiError("sample_too_large", `a sample page may be at most ${SAMPLE_MAX_BYTES} bytes of UTF-8`);
      if (saved.code === "too_many") throw new ApiError("sample_limit_reached", `an app may keep at most ${SAMPLES_MAX} sample pages`);
      // The name was checked on the way in; the actor checks it again.
      throw new ApiError("validation_failed", "file: not a valid sample page name");
    }
    return ok(c, { file, saved: true as const });
  });
