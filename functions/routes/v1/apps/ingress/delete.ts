import { liveKitGone } from "../../../../../core/livekit.ts";
import { z } from "@hono/zod-openapi";
import { appActor } from "../../../../../core/actors.ts";
import { appRoute, type App } from "../../../../lib/app.ts";
import { commonErrorResponses, envelopeSchema, errorResponse } from "../../../../lib/schemas.ts";
import { ok } from "../../../../lib/envelope.ts";
import { ApiError } from "../../../../lib/errors.ts";
import { livekit, livekitError } from "../../../../lib/livekit.ts";
import { IngressParams } from "./schema.ts";

const route = appRoute("ingress:delete", {
  method: "delete",
  path: "/{ingressId}",
  tags: ["ingress"],
  summary: "Delete an ingress (and stop its relay)",
  request: { params: IngressParams },
  responses: {
    200: { description: "Deleted", content: { "application/json": { schema: envelopeSchema(z.object({ ingressId: z.string(), deleted: z.literal(true) })) } } },
    404: errorResponse("No such app or ingress"),
    502: errorResponse("LiveKit refused or failed"),
    ...commonErrorResponses,
  },
});

export const registerIngressDelete = (app: App) =>
  app.openapi(route, async (c) => {
    const { ingressId } = c.req.valid("param");
    const actor = appActor(c.env, c.get("app").name);
    // Checked against the app first: another app's ingress id is a 404 here, never deleted.
    if (!(await actor.getIngress(ingressId, false))) throw new ApiError("ingress_not_found", `ingress "${ingressId}" not found`);
    try {
      await livekit(c.get("config")).ingress.deleteIngress(ingressId);
    } catch (error) {
      if (!liveKitGone(error)) throw livekitError(c.get("requestId"), "delete the ingress", error, c.get("config"));
    }
    await actor.removeIngress(ingressId);
    return ok(c, { ingressId, deleted: true as const });
  });
