import { Hono } from "hono";
import type { AppEnv } from "../../../lib/context.ts";
import { registerHealthGet } from "./get.ts";

/**
 * /api/v1/health. Served by the Worker's entry from its first moment
 * (functions/index.ts), without waiting for the rest of the API's route table,
 * which is loaded on demand: load balancers and monitors poll it at start-up.
 * A plain Hono app: zod and the OpenAPI machinery are the route table's.
 */
export const healthApi = new Hono<AppEnv>();
registerHealthGet(healthApi);

