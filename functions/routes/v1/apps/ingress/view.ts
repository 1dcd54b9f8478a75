import type { IngressView } from "../../../../../durable/app/app-actor.ts";
import type { Config } from "../../../../../core/config.ts";

/** Where an encoder publishes: LiveKit's RTMP base (its host replaced by RTMP_PUBLIC_HOST) plus the key, or the WHIP endpoint. */
export function publishUrl(config: Config, view: IngressView): string | null {
  if (view.inputType === "url" || view.inputType === "rtsp") return null;
  if (view.inputType === "whip") return view.url;
  if (!view.streamKey) return null;
  const base = new URL(view.url);
  if (config.RTMP_PUBLIC_HOST) base.host = config.RTMP_PUBLIC_HOST;
  return `${base.toString().replace(/\/$/, "")}/${view.streamKey}`;
}

/**
 * An ingress as the API shows it: the actor's view, where to publish, and the
 * original StreamHub's names for the same facts. The key (and so the RTMP URL)
 * is there only when the actor revealed it to a caller that may edit ingresses.
 */
export function ingressRow(config: Config, view: IngressView) {
  const publish = publishUrl(config, view);
  return {
    ...view,
    publishUrl: publish,
    roomName: view.room,
    rtmp_url: view.inputType === "rtmp" ? publish : null,
    stream_key: view.streamKey,
    requires_password: view.requiresPassword,
  };
}
