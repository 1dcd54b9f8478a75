import { newApp } from "../../../../lib/app.ts";
import { registerJoinTokens } from "./join.ts";

/** /api/v1/apps/{app}/tokens: LiveKit join tokens. (API tokens are /api/v1/tokens.) */
export const joinTokensApi = newApp();
registerJoinTokens(joinTokensApi);
