// The adaptor's public types. Field and callback names are the original
// StreamHub SDK's, which are Ant Media's WebRTCAdaptor's (snake_case and
// string events included), so pages written for either keep working.
import type { AdaptorErrorDetail } from "./errors.ts";

/** `callback(info, obj)`: `info` is the event name (`initialized`, `publish_started`, …), `obj` its payload. */
export type AntMediaCallback = (info: string, obj?: any) => void;

/** `callbackError(code, message, detail)`: a stable code (see ERROR_CODES), a message for people, and which call failed. */
export type AntMediaErrorCallback = (error: string, message?: any, detail?: AdaptorErrorDetail) => void;

/** As for getUserMedia: `false` leaves that kind out; constraints are passed to the browser as they are. */
export interface StreamHubMediaConstraints {
  video?: boolean | MediaTrackConstraints;
  audio?: boolean | MediaTrackConstraints;
}

export interface StreamHubAdaptorConfig {
  // Ant Media's options.
  /**
   * Ant Media's signalling URL, `wss://host/<app>/websocket`: the `<app>`
   * segment names the StreamHub app to request tokens from, at
   * `https://host/api/v1/apps/<app>/tokens` unless a token URL is given. A
   * bare LiveKit URL (`wss://media.host`) is used as the LiveKit URL of a
   * pre-minted `token`.
   */
  websocket_url?: string;
  /** The local preview. */
  localVideoElement?: HTMLVideoElement | null;
  localVideoId?: string | null;
  /** Where a played stream is shown (its camera, or its screen share while there is one, and its audio). */
  remoteVideoElement?: HTMLVideoElement | null;
  remoteVideoId?: string | null;
  /** Default `{ video: true, audio: true }`. */
  mediaConstraints?: StreamHubMediaConstraints;
  /** The maximum video bitrate, kbit/s. */
  bandwidth?: number;
  /** Default true: `data_channel_opened` is reported once connected. */
  dataChannelEnabled?: boolean;
  /** Subscribe only: no camera or microphone is opened, and tokens are asked without `canPublish`. */
  isPlayMode?: boolean;
  /** Another name of isPlayMode, used by some pages. */
  playOnly?: boolean;
  /** Logs every callback to the console. */
  debug?: boolean;
  callback?: AntMediaCallback;
  callbackError?: AntMediaErrorCallback;
  /** Another spelling of callbackError (older Ant Media versions). */
  callback_error?: AntMediaErrorCallback;
  /** Accepted and ignored: LiveKit manages the peer connections. */
  peerconnection_config?: unknown;
  sdp_constraints?: unknown;
  pluginInitMethods?: unknown[];

  // StreamHub's options.
  /** The full URL of the token endpoint, e.g. `https://streamhub.example/api/v1/apps/live/tokens`. */
  streamhubTokenUrl?: string;
  /** The API base, e.g. `https://streamhub.example/api/v1`; with appName, the token URL is `{streamhubApiUrl}/apps/{appName}/tokens`. */
  streamhubApiUrl?: string;
  appName?: string;
  /** Sent as `Authorization: Bearer …` with the token request. Prefer minting server-side and passing `token` + `wsUrl`. */
  streamhubApiToken?: string;
  /** A pre-minted LiveKit token: no token request is made. */
  token?: string;
  /** LiveKit's URL for the pre-minted token. */
  wsUrl?: string;
  /** Extra fields of the token request body (`ttl`, `name`, `metadata`, …). */
  tokenRequest?: Record<string, unknown>;
  /** `false`: send no quality-of-experience reports for what this adaptor plays (StreamHub keeps them per app). */
  qoe?: boolean;
}

/** The part of StreamHub's token answer (`POST /apps/{app}/tokens`, inside `data`) the adaptor uses. */
export interface StreamHubTokenResponse {
  token: string;
  wsUrl: string;
  app?: string;
  /** The LiveKit room, with the app's prefix. */
  room?: string;
  identity?: string;
  playUrl?: string;
  embedUrl?: string;
  iframe?: string;
}

/** The payload of `joinedTheRoom`, `roomInformation` and `leavedFromRoom`. */
export interface RoomInformation {
  ATTR_ROOM_NAME: string | null;
  streamId: string | null;
  /** The identities of the other participants. */
  streams: string[];
  streamList: string[];
  maxTrackCount: number;
}

/** A listener of one event: `addEventListener("play_finished", fn)`. */
export type NamedListener = (obj: any, info: string) => void;

/** Ant Media's `remotePeerConnection[streamId]`, as far as pages reach into it: the senders (replaceTrack, setParameters) and receivers. */
export interface PeerConnectionShim {
  getSenders(): RTCRtpSender[];
  getReceivers(): RTCRtpReceiver[];
}

/** Ant Media's `mediaManager`, as far as pages reach into it. */
export interface MediaManagerShim {
  bandwidth: number;
  getDevices(): Promise<MediaDeviceInfo[]>;
  readonly localStream: MediaStream | null;
}

/** One received track of AdaptorStats. */
export interface InboundTrackStats {
  trackId: string;
  kind: "audio" | "video";
  /** The identity of the participant who sends it. */
  streamId: string;
  bytesReceived: number;
  packetsReceived: number;
  packetsLost: number;
  /** Seconds, as the browser reports it. */
  jitter: number;
  framesReceived: number;
  framesDecoded: number;
  framesDropped: number;
  frameWidth: number;
  frameHeight: number;
  framesPerSecond: number;
}

/**
 * What getStats() resolves with and `updated_stats` carries, summed over
 * the stream's tracks, under the names of Ant Media's PeerStats where it has
 * one (pages read those).
 */
export interface AdaptorStats {
  streamId: string | null;
  /** When it was sampled, ms since the epoch. */
  timestamp: number;
  // Sending.
  totalBytesSentCount: number;
  /** The same as totalBytesSentCount (the original StreamHub SDK's name). */
  totalBytesSent: number;
  totalVideoPacketsSent: number;
  totalAudioPacketsSent: number;
  totalPacketsSent: number;
  totalFramesEncodedCount: number;
  /** kbit/s. */
  currentOutgoingBitrate: number;
  /** kbit/s, the congestion controller's estimate (0 when unknown). */
  availableOutgoingBitrate: number;
  qualityLimitationReason: string;
  // Receiving.
  totalBytesReceivedCount: number;
  /** kbit/s. */
  currentIncomingBitrate: number;
  framesReceived: number;
  framesDecoded: number;
  framesDropped: number;
  // Both: the sent video when publishing, otherwise the received one.
  frameWidth: number;
  frameHeight: number;
  currentFPS: number;
  /** Lost packets: as the receiver reported them for what is sent, as counted for what is received. */
  videoPacketsLost: number;
  audioPacketsLost: number;
  /** 0–1. */
  fractionLost: number;
  /** Milliseconds. */
  videoRoundTripTime: number;
  audioRoundTripTime: number;
  videoJitter: number;
  audioJitter: number;
  inboundRtpList: InboundTrackStats[];
}
