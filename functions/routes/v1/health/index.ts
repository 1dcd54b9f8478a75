import { newApp } from "../../../lib/app.ts";
import { registerHealthGet } from "./get.ts";

/** /api/v1/health */
export const healthApi = newApp();
registerHealthGet(healthApi);
