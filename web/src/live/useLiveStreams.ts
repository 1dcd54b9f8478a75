import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { Schemas } from "../api/client.ts";
import { keys } from "../api/queries.ts";
import { session } from "../auth/session.ts";
import { followSse } from "./sse.ts";

export type FeedState = "connecting" | "open" | "retrying" | "failed";

/**
 * The app's active streams as its actor pushes them (GET /apps/{app}/live/feed,
 * Server-Sent Events): a snapshot on connect and on every change, written
 * into the query cache, so every screen showing the app's streams follows.
 */
export function useLiveStreams(app: string): { streams: Schemas["Stream"][] | undefined; state: FeedState } {
  const queries = useQueryClient();
  const [state, setState] = useState<FeedState>("connecting");
  const [streams, setStreams] = useState<Schemas["Stream"][] | undefined>(() => queries.getQueryData(keys.streams(app)));

  useEffect(() => {
    const stop = new AbortController();
    setState("connecting");
    void followSse(`${location.origin}/api/v1/apps/${encodeURIComponent(app)}/live/feed`, {
      signal: stop.signal,
      headers: (): Record<string, string> => {
        const token = session.token();
        return token ? { Authorization: `Bearer ${token}` } : {};
      },
      onState: (next) => setState(next),
      onMessage: (message) => {
        if (message.event !== "streams") return;
        const snapshot = JSON.parse(message.data) as Schemas["Stream"][];
        queries.setQueryData(keys.streams(app), snapshot);
        setStreams(snapshot);
      },
    });
    return () => stop.abort();
  }, [app, queries]);

  return { streams, state };
}
