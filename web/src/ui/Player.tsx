import { createElement, useEffect } from "react";

let loading: Promise<unknown> | null = null;
/** The SDK's player module (build-sdk.ts → /sdk/player.js), loaded the first time a player is shown. */
const loadPlayer = () => (loading ??= import(/* @vite-ignore */ `${location.origin}/sdk/player.js`));

/** `<streamhub-player>` for one room of an app (the room as the app names it, without the LiveKit prefix). */
export function Player({ app, room }: { app: string; room: string }) {
  useEffect(() => {
    void loadPlayer();
  }, []);
  // The dashboard's accent: white on the player's default blue (#3b82f6) is under WCAG AA's 4.5:1.
  return createElement("streamhub-player", { app, room, autoplay: "", muted: "", "primary-color": "#1d4ed8", className: "player", "aria-label": `Live video of ${room}` });
}
