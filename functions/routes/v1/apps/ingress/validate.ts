import { z } from "@hono/zod-openapi";
import { appActor } from "../../../../../core/actors.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../../lib/schemas.ts";
import { ok } from "../../../../lib/envelope.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { IngressParams, ValidateBody } from "./schema.ts";

const route = appRoute("ingress:write", {
  method: "post",
  path: "/{ingressId}/validate",
  tags: ["ingress"],
  summary: "Check an RTMP publisher's password",
  request: { params: IngressParams, body: { required: true, content: { "application/json": { schema: ValidateBody } } } },
  responses: {
    200: { description: "Whether it matches", content: { "application/json": { schema: envelopeSchema(z.object({ ingressId: z.string(), valid: z.boolean() })) } } },
    404: errorResponse("No such app or ingress"),
    ...commonErrorResponses,
  },
});

export const registerIngressValidate = (app: App) =>
  app.openapi(route, async (c) => {
    const { ingressId } = c.req.valid("param");
    const valid = await appActor(c.env, c.get("app").name).validateIngressPassword(ingressId, c.req.valid("json").password);
    if (valid === null) throw new ApiError("ingress_not_found", `ingress "${ingressId}" not found`);
    return ok(c, { ingressId, valid });
  });
