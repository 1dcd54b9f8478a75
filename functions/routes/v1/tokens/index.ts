import { newApp } from "../../../lib/app.ts";
import { registerTokensCreate } from "./create.ts";
import { registerTokensList } from "./list.ts";
import { registerTokensRevoke } from "./revoke.ts";

/** /api/v1/tokens: `sk_` API tokens. (LiveKit join tokens are /api/v1/apps/{app}/tokens.) */
export const tokensApi = newApp();
registerTokensList(tokensApi);
registerTokensCreate(tokensApi);
registerTokensRevoke(tokensApi);
