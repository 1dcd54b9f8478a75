// The StreamHub player: <streamhub-player app="…" room="…">, one component
// for /play, /embed and the samples, and for any page that loads
// /sdk/player.js as a module (the way Mux ships <mux-player>).
import { StreamHubPlayer } from "./element.ts";

export { StreamHubPlayer };
export type { PlayerMessage } from "./messages.ts";
export type { PlaybackPath, PlayerState } from "./types.ts";

if (!customElements.get("streamhub-player")) customElements.define("streamhub-player", StreamHubPlayer);
