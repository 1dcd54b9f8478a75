import { newApp } from "../../../../lib/app.ts";

/**
 * /api/v1/apps/{app}/samples: the app's sample pages (API.md: list, read,
 * write, regenerate). (Being written: see the issue on the SDK.)
 */
export const samplesApi = newApp();
