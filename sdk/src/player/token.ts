import type { PlayerOptions } from "./types.ts";

/** Why a token could not be had: "not-allowed" (public playback off, or no such app) or a network/server failure. */
export class TokenError extends Error {
  readonly kind: "not-allowed" | "unavailable";
  constructor(kind: "not-allowed" | "unavailable", message: string) {
    super(message);
    this.kind = kind;
  }
}

/**
 * The LiveKit token and URL to play with: the page's own (a viewer token it
 * minted), or a public play token from StreamHub (`GET …/play-token/{room}`,
 * subscribe-only, hidden, counted as a viewer).
 */
export async function viewerToken(options: PlayerOptions): Promise<{ token: string; wsUrl: string }> {
  if (options.token && options.wsUrl) return { token: options.token, wsUrl: options.wsUrl };
  const url = `${options.apiBase}/api/v1/apps/${encodeURIComponent(options.app)}/play-token/${encodeURIComponent(options.room)}`;
  let response: Response;
  try {
    response = await fetch(url, { credentials: "omit" });
  } catch (error) {
    throw new TokenError("unavailable", `StreamHub did not answer: ${(error as Error).message}`);
  }
  const body = (await response.json().catch(() => null)) as { data?: { token: string; wsUrl: string }; error?: { message?: string } } | null;
  if (response.status === 404) throw new TokenError("not-allowed", body?.error?.message ?? "this stream is not public");
  if (!response.ok || !body?.data) throw new TokenError("unavailable", body?.error?.message ?? `StreamHub answered ${response.status}`);
  return { token: options.token ?? body.data.token, wsUrl: options.wsUrl ?? body.data.wsUrl };
}
