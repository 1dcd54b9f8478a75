// The sample pages every app starts with: small plain HTML that shows how to
// publish, play and meet with StreamHub's SDK and player, served at
// /samples/{app}/{name}. Each page reads `room`, `token` and `wsUrl` from its
// query string or its hash (a token in the hash never reaches a server log),
// and talks to the StreamHub that serves it (paths relative to the origin).
// The app's name is the only value filled in, escaped for where it stands.

/** `s` as HTML text or a double-quoted attribute value. */
const html = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** `s` as a JavaScript string literal inside a <script> element (no `</script>` can close it early). */
const js = (s: string) => JSON.stringify(s).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");

const STYLE = `<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; padding: 1rem; max-width: 960px; color: #1b1f24; }
  h1 { font-size: 1.3rem; }
  form { display: flex; gap: .5rem; flex-wrap: wrap; align-items: end; margin: 1rem 0; }
  label { display: flex; flex-direction: column; font-size: .85rem; }
  input, button { font: inherit; padding: .35rem .6rem; }
  video, streamhub-player { display: block; width: 100%; aspect-ratio: 16 / 9; background: #000; border-radius: 6px; }
  .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: .5rem; }
  .tile { position: relative; } .tile span { position: absolute; left: .4rem; top: .3rem; color: #fff; font-size: .8rem; text-shadow: 0 0 3px #000; }
  .hint { color: #57606a; font-size: .9rem; }
  #log { background: #f6f8fa; padding: .5rem; min-height: 2.5rem; white-space: pre-wrap; font-size: .8rem; }
</style>`;

/** Reads a page parameter from the query string, else from the hash. */
const PARAM = `function param(name) {
    const fromQuery = new URLSearchParams(location.search).get(name);
    return fromQuery || new URLSearchParams(location.hash.slice(1)).get(name) || "";
  }`;

/** A form that puts the room into the hash, for pages opened without one. */
const roomForm = (button: string) => `<form id="pick">
  <label>Room <input id="room" required pattern="[\\w.\\-]{1,120}" autocomplete="off"></label>
  <button>${button}</button>
</form>`;

/** The log, the SDK, and the start of the page's script: the app, its parameters, a line to the log. */
const adaptorScript = (app: string) => `<pre id="log"></pre>
<script src="/sdk/streamhub-adaptor.global.js"></script>
<script>
  const APP = ${js(app)};
  ${PARAM}
  const log = (line) => (document.getElementById("log").textContent += line + "\\n");`;

/**
 * The adaptor's options on the pages that publish: tokens come from the page's
 * parameters (the adaptor asks this StreamHub for one only without them), the
 * camera and microphone preview in the #local video.
 */
const ADAPTOR_OPTIONS = `streamhubApiUrl: "/api/v1",
      appName: APP,
      token: param("token") || undefined,
      wsUrl: param("wsUrl") || undefined,
      localVideoId: "local",
      mediaConstraints: { video: true, audio: true },`;

const page = (title: string, app: string, body: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(title)} · ${html(app)}</title>
${STYLE}
</head>
<body>
${body}
</body>
</html>
`;

function publishPage(app: string): string {
  return page(
    "Publish",
    app,
    `<h1>Publish a camera to <code>${html(app)}</code></h1>
<p class="hint">Publishing needs a token: mint one for the room with <code>POST /api/v1/apps/${html(app)}/tokens</code> (an API token
with <code>stream:write</code>) and open this page as <code>publish.html#room=&lt;room&gt;&amp;token=&lt;token&gt;&amp;wsUrl=&lt;wsUrl&gt;</code>.</p>
${roomForm("Start publishing")}
<button id="stop" disabled>Stop</button>
<video id="local" autoplay muted playsinline></video>
${adaptorScript(app)}
  const stop = document.getElementById("stop");
  let adaptor = null;
  let streamId = "";

  document.getElementById("room").value = param("room");
  document.getElementById("pick").onsubmit = (event) => {
    event.preventDefault();
    if (adaptor) return;
    // The stream id is the room: play.html and hls.html play it by that name.
    streamId = document.getElementById("room").value;
    adaptor = new webrtc_adaptor.WebRTCAdaptor({
      ${ADAPTOR_OPTIONS}
      callback: (info) => {
        if (info === "initialized") adaptor.publish(streamId);
        else if (info === "publish_started") { log("live in room " + streamId); stop.disabled = false; }
        else if (info === "publish_finished") { log("stopped"); stop.disabled = true; adaptor = null; }
      },
      callbackError: (error, message) => { log("error: " + error + (message ? " " + message : "")); adaptor = null; },
    });
  };
  stop.onclick = () => adaptor && adaptor.stop(streamId);
  // Never on its own: a link could otherwise send the visitor's camera wherever its wsUrl says. The visitor sees where, and presses the button.
  if (param("wsUrl")) log("publishing goes to " + new URL(param("wsUrl"), location.href).host + "; press the button to start");
</script>`,
  );
}

/** play.html and hls.html: the player element, told the room (and a token, where one is given) by the page's parameters. */
function playerPage(app: string, title: string, playOrder: string | null): string {
  const order = playOrder ? ` play-order="${html(playOrder)}"` : "";
  return page(
    title,
    app,
    `<h1>${html(title)}: <code>${html(app)}</code></h1>
<p class="hint">Open as <code>?room=&lt;room&gt;</code>. When the app's public playback is off, add a viewer token:
<code>#room=&lt;room&gt;&amp;token=&lt;token&gt;</code>.</p>
${roomForm("Play")}
<streamhub-player id="player" app="${html(app)}"${order} autoplay muted controls></streamhub-player>
<script>
  ${PARAM}
  const player = document.getElementById("player");
  document.getElementById("room").value = param("room");
  for (const [name, attribute] of [["room", "room"], ["token", "token"], ["wsUrl", "ws-url"]]) {
    if (param(name)) player.setAttribute(attribute, param(name));
  }
  document.getElementById("pick").onsubmit = (event) => {
    event.preventDefault();
    player.setAttribute("room", document.getElementById("room").value);
  };
</script>
<script type="module" src="/sdk/player.js"></script>`,
  );
}

function conferencePage(app: string): string {
  return page(
    "Conference",
    app,
    `<h1>Conference in <code>${html(app)}</code></h1>
<p class="hint">Each person needs a token for the room that may publish: mint one per person with
<code>POST /api/v1/apps/${html(app)}/tokens</code> and open <code>conference.html#room=&lt;room&gt;&amp;token=&lt;token&gt;&amp;wsUrl=&lt;wsUrl&gt;</code>.</p>
${roomForm("Join")}
<button id="leave" disabled>Leave</button>
<div class="tiles" id="tiles">
  <div class="tile"><video id="local" autoplay muted playsinline></video><span>you</span></div>
</div>
${adaptorScript(app)}
  const leave = document.getElementById("leave");
  const tiles = new Map();
  let adaptor = null;
  let room = "";

  /** One tile per remote stream, its tracks gathered in one MediaStream. */
  function tileFor(streamId) {
    if (tiles.has(streamId)) return tiles.get(streamId);
    const tile = document.createElement("div");
    tile.className = "tile";
    const video = document.createElement("video");
    Object.assign(video, { autoplay: true, playsInline: true, srcObject: new MediaStream() });
    const label = document.createElement("span");
    label.textContent = streamId;
    tile.append(video, label);
    document.getElementById("tiles").append(tile);
    tiles.set(streamId, { tile, video });
    return tiles.get(streamId);
  }

  function keepOnly(streamIds) {
    for (const [streamId, { tile }] of tiles) {
      if (!streamIds.includes(streamId)) { tile.remove(); tiles.delete(streamId); }
    }
  }

  document.getElementById("room").value = param("room");
  document.getElementById("pick").onsubmit = (event) => {
    event.preventDefault();
    if (adaptor) return;
    room = document.getElementById("room").value;
    const streamId = "guest-" + Math.random().toString(36).slice(2, 8);
    adaptor = new webrtc_adaptor.WebRTCAdaptor({
      ${ADAPTOR_OPTIONS}
      callback: (info, obj) => {
        if (info === "initialized") adaptor.joinRoom(room, streamId);
        else if (info === "joinedTheRoom") {
          log("joined " + room + " as " + obj.streamId);
          adaptor.publish(obj.streamId);
          adaptor.play(room);
          leave.disabled = false;
        } else if (info === "newStreamAvailable") {
          tileFor(obj.streamId).video.srcObject.addTrack(obj.track);
        } else if (info === "roomInformation") {
          keepOnly(obj.streams || []);
        } else if (info === "leavedFromRoom") {
          keepOnly([]);
          log("left " + room);
          leave.disabled = true;
          adaptor = null;
        }
      },
      callbackError: (error, message) => log("error: " + error + (message ? " " + message : "")),
    });
  };
  leave.onclick = () => adaptor && adaptor.leaveFromRoom(room);
  // Never on its own: a link could otherwise send the visitor's camera wherever its wsUrl says. The visitor sees where, and presses the button.
  if (param("wsUrl")) log("publishing goes to " + new URL(param("wsUrl"), location.href).host + "; press the button to start");
</script>`,
  );
}

/** The default pages by name, rendered for `app`. */
export function defaultSamplePages(app: string): Record<string, string> {
  return {
    "publish.html": publishPage(app),
    "play.html": playerPage(app, "Play", null),
    "hls.html": playerPage(app, "Play over HLS", "hls"),
    "conference.html": conferencePage(app),
  };
}

/** The names of the default pages (what regenerate restores). */
export const DEFAULT_SAMPLE_NAMES: readonly string[] = Object.keys(defaultSamplePages("app")).sort();
