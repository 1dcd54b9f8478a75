import { newApp } from "../../../lib/app.ts";
import { healthRoute, registerHealthGet } from "./get.ts";

/**
 * /api/v1/health. Served by the Worker's entry from its first moment
 * (functions/index.ts), without waiting for the rest of the API's route table,
 * which is loaded on demand: load balancers and monitors poll it at start-up.
 */
export const healthApi = newApp();
registerHealthGet(healthApi);

/** The same route without its handler, for the API's OpenAPI document (routes/v1/index.ts). */
export const healthDocs = newApp();
healthDocs.openAPIRegistry.registerPath(healthRoute);
