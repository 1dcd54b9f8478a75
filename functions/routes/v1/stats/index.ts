import { newApp } from "../../../lib/app.ts";
import { registerStatsGet } from "./get.ts";

/** /api/v1/stats */
export const statsApi = newApp();
registerStatsGet(statsApi);
