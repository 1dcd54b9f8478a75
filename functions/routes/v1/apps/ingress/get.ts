import { appActor } from "../../../../../core/actors.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../../lib/schemas.ts";
import { ok } from "../../../../lib/envelope.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { callerMay } from "../../../../middleware/authorize/index.ts";
import { IngressParams, IngressSchema } from "./schema.ts";
import { ingressRow } from "./view.ts";

const route = appRoute("ingress:read", {
  method: "get",
  path: "/{ingressId}",
  tags: ["ingress"],
  summary: "Get an ingress",
  request: { params: IngressParams },
  responses: { 200: { description: "The ingress", content: { "application/json": { schema: envelopeSchema(IngressSchema) } } }, 404: errorResponse("No such app or ingress"), ...commonErrorResponses },
});

export const registerIngressGet = (app: App) =>
  app.openapi(route, async (c) => {
    const { ingressId } = c.req.valid("param");
    const view = await appActor(c.env, c.get("app").name).getIngress(ingressId, callerMay(c.get("auth"), "ingress:write"));
    if (!view) throw new ApiError("ingress_not_found", `ingress "${ingressId}" not found`);
    return ok(c, ingressRow(c.get("config"), view));
  });
