import { newApp } from "../lib/app.ts";

/**
 * /play/{app}/{room} (a full page with a share panel) and /embed/{app}/{room}
 * (bare, frameable): the player, rendered for the app. (Being written: see
 * the issue on the SDK.)
 */
export const pagesApi = newApp();
