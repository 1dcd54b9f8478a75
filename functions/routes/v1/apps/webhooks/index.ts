import { newApp } from "../../../../lib/app.ts";
import { registerWebhooksCreate } from "./create.ts";
import { registerWebhooksDelete } from "./delete.ts";
import { registerWebhookDeliveries } from "./deliveries.ts";
import { registerWebhooksGet } from "./get.ts";
import { registerWebhooksList } from "./list.ts";
import { registerWebhooksRotate } from "./rotate.ts";
import { registerWebhooksSendTest } from "./send-test.ts";
import { registerWebhooksUpdate } from "./update.ts";

// An app's outbound webhook endpoints (API.md decision 7): every app event is
// delivered at least once to each endpoint subscribed to it, signed per
// Standard Webhooks, from the app actor's durable outbox.

/** /api/v1/apps/{app}/webhooks */
export const appWebhooksApi = newApp();
registerWebhooksList(appWebhooksApi);
registerWebhooksCreate(appWebhooksApi);
registerWebhooksGet(appWebhooksApi);
registerWebhooksUpdate(appWebhooksApi);
registerWebhooksDelete(appWebhooksApi);
registerWebhooksRotate(appWebhooksApi);
registerWebhooksSendTest(appWebhooksApi);
registerWebhookDeliveries(appWebhooksApi);
