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
