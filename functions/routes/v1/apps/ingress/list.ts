import { appActor } from "../../../../../core/actors.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, errorResponse, pageSchema } from "../../../../lib/schemas.ts";
import { page } from "../../../../lib/envelope.ts";
import { namespacedRoom } from "../../../../../core/livekit.ts";
import { callerMay } from "../../../../middleware/authorize/index.ts";
import { IngressSchema, ListIngressQuery } from "./schema.ts";
import { ingressRow } from "./view.ts";

const route = appRoute("ingress:read", {
  method: "get",
  path: "/",
  tags: ["ingress"],
  summary: "List ingresses",
  request: { query: ListIngressQuery },
  responses: { 200: { description: "Newest first", content: { "application/json": { schema: pageSchema(IngressSchema) } } }, 404: errorResponse("No such app"), ...commonErrorResponses },
});

export const registerIngressList = (app: App) =>
  app.openapi(route, async (c) => {
    const { limit, offset, room, q } = c.req.valid("query");
    const reveal = callerMay(c.get("auth"), "ingress:write");
    const filter = { room: room ? namespacedRoom(c.get("app").livekitRoomPrefix, room) : undefined, q };
    const { ingresses, total } = await appActor(c.env, c.get("app").name).listIngresses(filter, limit, offset, reveal);
    return page(c, ingresses.map((view) => ingressRow(c.get("config"), view)), total, limit, offset);
  });
