import { newApp } from "../../../../lib/app.ts";
import { registerIngressCreate } from "./create.ts";
import { registerIngressDelete } from "./delete.ts";
import { registerIngressGet } from "./get.ts";
import { registerIngressList } from "./list.ts";
import { registerIngressValidate } from "./validate.ts";

/** /api/v1/apps/{app}/ingress: RTMP, WHIP, URL and RTSP ingresses of the app. */
export const ingressApi = newApp();
registerIngressCreate(ingressApi);
registerIngressList(ingressApi);
registerIngressGet(ingressApi);
registerIngressDelete(ingressApi);
registerIngressValidate(ingressApi);
