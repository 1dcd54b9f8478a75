import { Hono, type Context } from "hono";
import { randomBytes, toBase64Url } from "../../core/crypto/encoding.ts";
import { appRecord } from "../lib/app-records.ts";
import type { AppEnv } from "../lib/context.ts";
import { featuresOf, playerLinks, publicBase } from "../lib/features.ts";
import { APP_NAME, ROOM } from "../../core/names.ts";

/**
 * /play/{app}/{room} (a full page with a share panel) and /embed/{app}/{room}
 * (bare, for an <iframe>): the player (`<streamhub-player>`, /sdk/player.js),
 * rendered for the app — its display name, and whether its playback is public
 * (when it is not, the page plays only with a `token`, and says so instead of
 * failing). Both are frameable by any site.
 *
 * Query parameters, as Ant Media's play.html, Mux and Cloudflare Stream embeds
 * take them: autoplay, muted, controls, loop, poster, token, playOrder
 * (`webrtc,hls` or `hls`), primaryColor. Unknown ones are ignored; invalid
 * values fall back to the defaults.
 */
export const pagesApi = new Hono<AppEnv>();

const escape = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** `1`, `true` or present-and-empty is on; `0` and `false` are off; absent is the default. */
function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return !["0", "false", "no", "off"].includes(value.toLowerCase());
}

interface PageQuery {
  autoplay: boolean;
  muted: boolean;
  controls: boolean;
  loop: boolean;
  poster: string | null;
  token: string | null;
  playOrder: string;
  primaryColor: string | null;
}

function pageQuery(c: Context<AppEnv>): PageQuery {
  const q = (name: string) => c.req.query(name);
  // A live stream starts playing by itself unless told not to.
  const autoplay = flag(q("autoplay"), true);
  const poster = q("poster") ?? "";
  const token = q("token") ?? "";
  const order = (q("playOrder") ?? "").toLowerCase();
  const color = q("primaryColor") ?? "";
  return {
    autoplay,
    // Autoplay with sound is blocked by browsers: autoplaying starts muted unless told otherwise.
    muted: flag(q("muted"), autoplay),
    controls: flag(q("controls"), true),
    loop: flag(q("loop"), false),
    poster: /^https?:\/\/[^\s"'<>]{1,2000}$/.test(poster) ? poster : null,
    token: /^[\w.-]{20,4096}$/.test(token) ? token : null,
    playOrder: order === "hls" || order === "hls,webrtc" ? order : "webrtc,hls",
    primaryColor: /^#?[0-9a-fA-F]{3,8}$/.test(color) ? (color.startsWith("#") ? color : `#${color}`) : /^[a-z]{3,20}$/.test(color) ? color : null,
  };
}

async function renderPage(c: Context<AppEnv>, embed: boolean) {
  const name = c.req.param("app") ?? "";
  const room = c.req.param("room") ?? "";
  const record = APP_NAME.test(name) && ROOM.test(room) ? await appRecord(c.env, name) : null;
  const nonce = toBase64Url(randomBytes(16));
  // Scripts: only those carrying this response's nonce and what they load (not tenants' files under /samples).
  // Connections: this origin and LiveKit's (which may be another: PUBLIC_WS_URL), both as ws and http.
  const livekitOrigins = liveKitOrigins(c.get("config").PUBLIC_WS_URL ?? c.get("config").LIVEKIT_URL);
  c.header("Content-Security-Policy", [
    "default-src 'self'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    // hls.js runs its demuxer in a worker made from a blob.
    "worker-src 'self' blob:",
    `connect-src 'self' ${livekitOrigins}`,
    "media-src 'self' blob:",
    // Posters and logos come from the app's own CDN.
    "img-src 'self' data: https:",
    "style-src 'self' 'unsafe-inline'",
    "base-uri 'none'",
    // Both pages are frameable (API.md §3).
    "frame-ancestors *",
  ].join("; "));
  c.header("Referrer-Policy", "strict-origin-when-cross-origin");
  c.header("Cache-Control", "no-store");
  if (!record) return c.html(shell("Stream not found", `<p class="notice">There is no stream here. Check the link.</p>`, embed, nonce), 404);

  const query = pageQuery(c);
  // The app's branding, where the page's own parameters say nothing.
  const branding = record.settings.branding ?? {};
  query.primaryColor ??= branding.primaryColor ?? null;
  query.poster ??= branding.posterUrl ?? null;
  const title = `${record.displayName} · ${room}`;
  const needsToken = !featuresOf(record).publicPlayback && query.token === null;
  const attributes = [
    `app="${escape(record.name)}"`,
    `room="${escape(room)}"`,
    `play-order="${query.playOrder}"`,
    query.autoplay ? "autoplay" : "",
    query.muted ? "muted" : "",
    query.controls ? "controls" : "",
    query.loop ? "loop" : "",
    query.poster ? `poster="${escape(query.poster)}"` : "",
    query.primaryColor ? `primary-color="${escape(query.primaryColor)}"` : "",
    // A viewer token minted by the app's backend: LiveKit's URL comes with it.
    query.token ? `token="${escape(query.token)}" ws-url="${escape(c.get("config").PUBLIC_WS_URL ?? c.get("config").LIVEKIT_URL)}"` : "",
  ].filter(Boolean);
  const player = needsToken
    ? `<p class="notice">This stream is not public. Open it with a link that carries a viewer token from its owner — one per viewer.</p>`
    : `<streamhub-player ${attributes.join(" ")}></streamhub-player>`;
  if (embed) return c.html(shell(title, player, true, nonce));

  const links = playerLinks(publicBase(c), record.name, room);
  const share = `
<section class="share" aria-label="Share">
<label>Link <input readonly value="${escape(links.playUrl)}"></label><button type="button" data-copy="0">Copy</button>
<label>Embed <input readonly value="${escape(links.iframe)}"></label><button type="button" data-copy="1">Copy</button>
</section>
<script nonce="${nonce}">
for (const button of document.querySelectorAll("[data-copy]")) {
button.addEventListener("click", async () => {
  const input = document.querySelectorAll(".share input")[Number(button.dataset.copy)];
  input.select();
  await navigator.clipboard?.writeText(input.value).catch(() => document.execCommand("copy"));
  button.textContent = "Copied";
});
}
</script>`;
    const logo = branding.logoUrl ? `<img class="logo" src="${escape(branding.logoUrl)}" alt="" height="32">` : "";
  return c.html(shell(title, `<header>${logo}<h1>${escape(title)}</h1></header>${player}${share}`, false, nonce));
}

/** LiveKit's origin as the browser reaches it: the WebSocket and its HTTP twin (livekit-client calls both). */
function liveKitOrigins(url: string): string {
  try {
    const { host, protocol } = new URL(url);
    const secure = protocol === "wss:" || protocol === "https:";
    return `${secure ? "wss" : "ws"}://${host} ${secure ? "https" : "http"}://${host}`;
  } catch {
    return "";
  }
}

function shell(title: string, body: string, embed: boolean, nonce: string): string {
  const style = embed
    ? "html,body{margin:0;height:100%;background:#000;color:#fff;font:15px system-ui,sans-serif}streamhub-player{width:100%;height:100%;aspect-ratio:auto}.notice{margin:0;display:flex;height:100%;align-items:center;justify-content:center;padding:1em;text-align:center}"
    : "body{margin:0 auto;max-width:960px;padding:1.5em;font:15px/1.5 system-ui,sans-serif;background:#0b0d12;color:#e6e8ee}header{display:flex;gap:.75em;align-items:center}h1{font-size:1.25em;font-weight:600}streamhub-player{border-radius:.5em;overflow:hidden}.share{display:grid;grid-template-columns:1fr auto;gap:.5em;margin-top:1em}.share label{display:flex;gap:.5em;align-items:center}.share input{flex:1;font:inherit;padding:.4em;background:#151922;color:inherit;border:1px solid #2a3140;border-radius:.3em}.share button{font:inherit;padding:.4em .9em}.notice{padding:2em;text-align:center;background:#151922;border-radius:.5em}";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>${style}</style>
<script type="module" src="/sdk/player.js" nonce="${nonce}"></script>
</head>
<body>
${body}
</body>
</html>
`;
}

pagesApi.get("/play/:app/:room", (c) => renderPage(c, false));
pagesApi.get("/embed/:app/:room", (c) => renderPage(c, true));
