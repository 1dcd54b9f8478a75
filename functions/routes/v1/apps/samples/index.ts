import { newApp } from "../../../../lib/app.ts";
import { registerSamplesGet } from "./get.ts";
import { registerSamplesList } from "./list.ts";
import { registerSamplesPut } from "./put.ts";
import { registerSamplesRegenerate } from "./regenerate.ts";

// An app's sample pages (API.md §2), kept in the app's own database and served
// publicly at /samples/{app}/{file} (routes/samples.ts).

/** /api/v1/apps/{app}/samples */
export const samplesApi = newApp();
registerSamplesList(samplesApi);
registerSamplesRegenerate(samplesApi);
registerSamplesGet(samplesApi);
registerSamplesPut(samplesApi);
