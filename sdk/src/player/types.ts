/** Where a view is: what the overlay shows and what the embedding page is told. */
export type PlayerState =
  | "loading" // asking for a token, connecting
  | "waiting" // connected; nobody is publishing yet
  | "live" // frames are being shown
  | "reconnecting" // the connection dropped; trying again
  | "ended" // the stream was live and has stopped
  | "not-allowed" // public playback is off and no valid token was given
  | "error"; // no way to play (WebRTC and HLS both failed)

/** How the frames reach the page. */
export type PlaybackPath = "webrtc" | "hls" | "none";

/** What the player needs to know, from the element's attributes. */
export interface PlayerOptions {
  app: string;
  room: string;
  /** StreamHub's origin; the page's own by default. */
  apiBase: string;
  /** A viewer token given by the page (public playback off); else a public play token is fetched. */
  token: string | null;
  wsUrl: string | null;
  playOrder: PlaybackPath[];
  autoplay: boolean;
  muted: boolean;
  /** How long WebRTC may take to connect before HLS is tried. */
  webrtcTimeoutMs: number;
}

/** One way of playing: started into a <video>, told to stop. */
export interface Playback {
  readonly path: PlaybackPath;
  stop(): Promise<void>;
}

/** What a playback reports back to the element. */
export interface PlaybackEvents {
  state(state: PlayerState, detail?: string): void;
  /** The stream is there (a track, a playlist): a view that was waiting for it is loading now, its first frame still to come. */
  arrived(): void;
}
