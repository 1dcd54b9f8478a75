import { z } from "@hono/zod-openapi";
import { appActor } from "../../../../../core/actors.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema } from "../../../../lib/schemas.ts";
import { ok } from "../../../../lib/envelope.ts";
import { publicBase } from "../../../../lib/features.ts";
import { SampleInfoSchema } from "./schema.ts";

const route = appRoute("sample:read", {
  method: "get",
  path: "/",
  tags: ["samples"],
  summary: "List the app's sample pages",
  description: "The default pages (publish, play, hls, conference) are written for the app at its first use of them; pages added with PUT are listed too.",
  responses: { 200: { description: "The pages, by name", content: { "application/json": { schema: envelopeSchema(z.array(SampleInfoSchema)) } } }, ...commonErrorResponses },
});

export const registerSamplesList = (app: App) =>
  app.openapi(route, async (c) => {
    const name = c.get("app").name;
    const base = `${publicBase(c)}/samples/${encodeURIComponent(name)}`;
    const samples = await appActor(c.env, name).listSamples();
    return ok(
      c,
      samples.map((sample) => ({ name: sample.name, sizeBytes: sample.sizeBytes, embedUrl: `${base}/${encodeURIComponent(sample.name)}`, generated: sample.generated, updatedAt: sample.updatedAt })),
    );
  });
