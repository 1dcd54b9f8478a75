import type { PlaybackPath, PlayerState } from "./types.ts";

/** The events the embedding page receives by `postMessage` (and the element dispatches as DOM events). */
export type PlayerEventName = "ready" | "playing" | "paused" | "ended" | "error" | "statechange";

export interface PlayerMessage {
  /** Namespaced, so an embedding page can tell these from other frames' messages. */
  source: "streamhub-player";
  event: PlayerEventName;
  app: string;
  room: string;
  state: PlayerState;
  path: PlaybackPath;
  detail?: string;
}

/**
 * Tells the embedding page (when the player is in a frame) and listeners on
 * the element. Messages go to any origin: they carry nothing private (the app,
 * the room and the state, all of which are in the frame's URL already).
 */
export function announce(element: HTMLElement, message: Omit<PlayerMessage, "source">): void {
  const full: PlayerMessage = { source: "streamhub-player", ...message };
  element.dispatchEvent(new CustomEvent(message.event, { detail: full, bubbles: true, composed: true }));
  if (window.parent !== window) window.parent.postMessage(full, "*");
}
