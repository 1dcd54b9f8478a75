import type { Context } from "hono";
import type { AppEnv } from "./context.ts";
import type { AppRecord } from "../../durable/registry/apps.repo.ts";

/** API.md feature defaults: off unless turned on, or on unless explicitly turned off. */
const DEFAULTS = {
  rtmpPassword: false,
  chat: false,
  reactions: false,
  viewerCounter: true,
  hiddenQc: true,
  adaptivePlayer: true,
  publicPlayback: true,
} as const;

export type Features = { -readonly [K in keyof typeof DEFAULTS]: boolean };

export const featuresOf = (app: AppRecord): Features => ({ ...DEFAULTS, ...app.settings.features });

/** Where links to this node point: PUBLIC_BASE_URL, else the origin the request came to. */
export function publicBase(c: Context<AppEnv>): string {
  const configured = c.get("config").PUBLIC_BASE_URL;
  if (configured) return configured;
  // The request URL's origin, without parsing the whole URL.
  const url = c.req.url;
  const pathStart = url.indexOf("/", url.indexOf("//") + 2);
  return pathStart === -1 ? url : url.slice(0, pathStart);
}

/** Public links to the player and embed page of a room. */
export function playerLinks(base: string, app: string, room: string) {
  const playUrl = `${base}/play/${encodeURIComponent(app)}/${encodeURIComponent(room)}`;
  const embedUrl = `${base}/embed/${encodeURIComponent(app)}/${encodeURIComponent(room)}`;
  const iframe = `<iframe src="${embedUrl}" width="640" height="360" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen style="border:0"></iframe>`;
  return { playUrl, embedUrl, iframe };
}
