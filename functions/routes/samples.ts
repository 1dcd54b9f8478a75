import { newApp } from "../lib/app.ts";

/**
 * /samples/{app}/{file}: an app's sample pages, public, read from the app's
 * actor and served with the CSP sandbox of API.md §3. (Being written: see the
 * issue on the SDK.)
 */
export const samplesApi = newApp();
