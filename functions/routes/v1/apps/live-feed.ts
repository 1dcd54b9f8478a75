import { z } from "@hono/zod-openapi";
import { appActor } from "../../../../core/actors.ts";
import { appRoute, type App } from "../../../lib/app.ts";
import { commonErrorResponses } from "../../../lib/schemas.ts";
import { featuresOf } from "../../../lib/features.ts";

const route = appRoute("stream:read", {
  method: "get",
  path: "/{app}/live/feed",
  tags: ["streams"],
  summary: "The app's live streams, pushed (Server-Sent Events)",
  description:
    "A `text/event-stream` that opens with an `event: streams` message (data: the active streams as in `GET /apps/{app}/streams`) and sends a new one whenever the app's live state changes — a stream starts or ends, a viewer joins or leaves — pushed by the app's actor, with a comment line every 15 s while nothing happens. Read it with `fetch` (it needs the `Authorization` header).",
  // No parameters: one given is a mistake, answered 400 rather than ignored.
  request: { query: z.strictObject({}) },
  responses: {
    200: {
      description: "The stream of snapshots: one Server-Sent Event per change",
      content: {
        "text/event-stream": {
          schema: z
            .object({
              event: z.literal("streams"),
              data: z.string().openapi({ description: "JSON: the active streams, as `data` of GET /apps/{app}/streams" }),
              id: z.string().optional(),
              retry: z.number().int().optional().openapi({ description: "The reconnection delay the client should use, in ms" }),
            })
            .openapi({ example: { event: "streams", data: "[]", retry: 2000 } }),
        },
      },
    },
    ...commonErrorResponses,
  },
});

export const registerLiveFeed = (app: App) =>
  app.openapi(route, async (c) => {
    const stream = await appActor(c.env, c.get("app").name).liveFeed({ withViewers: featuresOf(c.get("app")).viewerCounter });
    return new Response(stream, {
      headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store", "X-Accel-Buffering": "no" },
    }) as never;
  });
