import { newApp } from "../../../lib/app.ts";
import { registerLiveKitWebhook } from "./livekit.ts";

/** /api/v1/webhooks: inbound webhooks (an app's outbound ones are /api/v1/apps/{app}/webhooks). */
export const webhooksApi = newApp();
registerLiveKitWebhook(webhooksApi);
