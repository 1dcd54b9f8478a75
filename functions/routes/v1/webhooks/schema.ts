import { z } from "@hono/zod-openapi";

/** The answer to a verified inbound webhook: always this, whether the event was new or a repeat. */
export const ReceivedSchema = z.object({ received: z.literal(true) });
