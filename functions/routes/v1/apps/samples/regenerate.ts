import { appActor } from "../../../../../core/actors.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema } from "../../../../lib/schemas.ts";
import { ok } from "../../../../lib/envelope.ts";
import { RegeneratedSchema } from "./schema.ts";

const route = appRoute("sample:write", {
  method: "post",
  path: "/regenerate",
  tags: ["samples"],
  summary: "Restore the default sample pages",
  description: "Writes the default pages (publish, play, hls, conference) again as this StreamHub renders them, over any edits to them. Pages the app added keep their content.",
  responses: { 200: { description: "The pages written", content: { "application/json": { schema: envelopeSchema(RegeneratedSchema) } } }, ...commonErrorResponses },
});

export const registerSamplesRegenerate = (app: App) =>
  app.openapi(route, async (c) => ok(c, { regenerated: await appActor(c.env, c.get("app").name).regenerateSamples() }));
