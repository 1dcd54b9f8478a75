/** Contexts that bind each sealed secret to the app and field it belongs to (AES-GCM associated data). */
export const secretContext = (app: string, secret: string) => `app:${app}/secret:${secret}`;
export const ingressKeyContext = (app: string, ingressId: string) => `app:${app}/ingress:${ingressId}/stream-key`;
export const webhookSecretContext = (app: string, endpointId: string) => `app:${app}/webhook:${endpointId}/secret`;
