import { z } from "@hono/zod-openapi";
import { SAMPLE_NAME } from "../../../../../durable/app/samples.ts";

export const SampleInfoSchema = z
  .object({
    name: z.string().openapi({ example: "play.html" }),
    sizeBytes: z.number().int(),
    embedUrl: z.string().openapi({ description: "Where the page is served, public: `/samples/{app}/{name}`" }),
    generated: z.boolean().openapi({ description: "One of StreamHub's default pages, which regenerate restores (edited or not)" }),
    updatedAt: z.string(),
  })
  .openapi("SampleInfo");

export const SampleSchema = z.object({ file: z.string(), content: z.string() }).openapi("Sample");

export const SampleSavedSchema = z.object({ file: z.string(), saved: z.literal(true) }).openapi("SampleSaved");

export const RegeneratedSchema = z
  .object({ regenerated: z.array(z.string()).openapi({ description: "The default pages written again" }) })
  .openapi("SamplesRegenerated");

/** A page to read: any name that is not stored is the same 404. */
export const SampleParams = z.object({ file: z.string().max(80).openapi({ param: { name: "file", in: "path" }, example: "play.html" }) });

/** A page to write: its name decides how it is served, so it must be one StreamHub serves. */
export const WritableSampleParams = z.object({
  file: z
    .string()
    .regex(SAMPLE_NAME, "must be 1–64 characters of a-z, 0-9, _ and - (starting with a letter or digit) ending in .html, .js or .css")
    .openapi({ param: { name: "file", in: "path" }, example: "my-player.html" }),
});

export const PutSampleBody = z.strictObject({ content: z.string().openapi({ description: "The whole page, at most 256 KB of UTF-8" }) }).openapi("PutSample");
