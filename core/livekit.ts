import type { Config } from "./config.ts";
import { toBase64, utf8 } from "./crypto/encoding.ts";
import { verifyJwt } from "./crypto/jwt.ts";
import { arr, liveKitApi, obj, participantFromJson, signingKey, signLiveKitJwt, str, TwirpError, type LiveKitApi, type LiveKitKeys, type S3Upload, type VideoGrant } from "./livekit-api.ts";
import { endpointOf, type S3Credentials, type S3Settings } from "./s3.ts";
import { transportFailure } from "./transport.ts";

// Every LiveKit call goes through core/livekit-api.ts with the key, secret and
// URL passed explicitly from the validated config (never process.env). Used by
// the Worker and by the actors alike, so nothing here speaks HTTP errors:
// "not configured" and "LiveKit failed" are values the caller turns into its own.

/**
 * A LiveKit webhook event as the app actor needs it (the Worker verified and
 * decoded it, and found the app by the room's prefix).
 */
export interface LiveKitEvent {
  id: string;
  event: string;
  createdAt: number;
  room?: { name: string; sid: string };
  /** `hidden` as LiveKit says; `uncounted`: left out of viewer counts and never a stream (see `leftOutOfCounts`). */
  participant?: { identity: string; sid: string; name: string; hidden: boolean; uncounted: boolean; kind: string };
  track?: { sid: string; type: string; source: string; muted: boolean };
  /** `bitrateKbps`: the input's average bitrate (video plus audio) as the ingress reports it, null when it reports none. */
  ingress?: { ingressId: string; inputType: string; roomName: string; participantIdentity: string; status: string; bitrateKbps: number | null };
  egress?: { egressId: string; status: string; roomName: string; error: string; file: { filename: string; sizeBytes: number; durationS: number; location: string } | null };
}

/** LiveKit's keys and URL, with its server API. */
export type LiveKit = LiveKitKeys & LiveKitApi;

const clients = new WeakMap<Config, LiveKit>();

/** The LiveKit clients, or null when LIVEKIT_API_KEY / LIVEKIT_API_SECRET are not set. */
export function livekitClients(config: Config): LiveKit | null {
  const { LIVEKIT_URL: url, LIVEKIT_API_KEY: apiKey, LIVEKIT_API_SECRET: apiSecret } = config;
  if (!apiKey || !apiSecret) return null;
  let lk = clients.get(config);
  if (!lk) {
    const keys = { url, apiKey, apiSecret };
    lk = { ...keys, ...liveKitApi(keys) };
    clients.set(config, lk);
  }
  return lk;
}

/** A grant as it goes into the token: `canPublishSources` by name, as LiveKit reads them (`claimsToJwtPayload` in the SDK). */
export type ParticipantGrant = VideoGrant;

/**
 * A participant's access token carrying exactly `grant`: the claims of
 * livekit-server-sdk's `AccessToken` (the grant as `claimsToJwtPayload` writes it, issuer, subject,
 * not-before now, expiry after the TTL) in a compact HS256 JWS, signed with the
 * cached key. Written out rather than built with a JWT library: it is the most
 * frequent thing StreamHub does, and a builder's copies and checks were a
 * tenth of a mint.
 */
export async function mintAccessToken(
  lk: LiveKit,
  claims: { identity: string; name?: string; metadata?: string; attributes?: Record<string, string>; ttlSeconds: number; grant: ParticipantGrant },
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    video: { ...claims.grant },
    ...(claims.name ? { name: claims.name } : {}),
    ...(claims.metadata ? { metadata: claims.metadata } : {}),
    ...(claims.attributes ? { attributes: claims.attributes } : {}),
    iss: lk.apiKey,
    sub: claims.identity,
    nbf: now,
    exp: now + claims.ttlSeconds,
  };
  return signLiveKitJwt(lk, payload);
}

/**
 * The participant attribute a public play token carries. Its viewer is hidden
 * from the room's other participants, as QC and recorder participants are,
 * but unlike them it counts as a viewer (API.md decision 11); LiveKit reports
 * the attribute back in webhooks and participant lists.
 */
const PUBLIC_VIEWER_ATTRIBUTE = "streamhub.viewer";
export const PUBLIC_VIEWER_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({ [PUBLIC_VIEWER_ATTRIBUTE]: "public" });

/** Whether a participant is left out of viewer counts: hidden, and not a public play-token viewer. */
export const leftOutOfCounts = (hidden: boolean, attributes: Record<string, unknown> | undefined | null) =>
  hidden && attributes?.[PUBLIC_VIEWER_ATTRIBUTE] !== PUBLIC_VIEWER_ATTRIBUTES[PUBLIC_VIEWER_ATTRIBUTE];

/** How far LiveKit's clock may be from ours (livekit-server-sdk's default). */
const CLOCK_TOLERANCE_S = 10;

/** The claims of a JWT signed with the API secret and issued by the API key, with an expiry; null when it is not one. */
const verifiedClaims = (lk: LiveKitKeys, token: string): Promise<Record<string, unknown> | null> =>
  verifyJwt(signingKey(lk.apiSecret), token, { issuer: lk.apiKey, clockToleranceS: CLOCK_TOLERANCE_S, required: ["exp"] });

/**
 * A LiveKit webhook, verified as livekit-server-sdk's `WebhookReceiver` does
 * (the `Authorization` JWT signed with the API secret, issued by the API key,
 * with an expiry, carrying the body's SHA-256), or null when it is not one.
 */
export async function receiveWebhook(lk: LiveKit, body: string, authorization: string, parsed?: unknown): Promise<LiveKitEvent | null> {
  if (!authorization) return null;
  const claims = await verifiedClaims(lk, authorization);
  if (!claims) return null;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(body)));
  if (claims.sha256 !== toBase64(digest)) return null;
  try {
    // `parsed`: this very body, already parsed by the caller (JSON never parses to undefined).
    return liveKitEventFromJson((parsed !== undefined ? parsed : JSON.parse(body)) as Json);
  } catch {
    return null;
  }
}

/** The video grant of an access token this node's keys signed (as livekit-server-sdk's `TokenVerifier` checks it), or null. */
export async function tokenGrant(lk: LiveKitKeys, token: string): Promise<VideoGrant | null> {
  const video = (await verifiedClaims(lk, token))?.video;
  return typeof video === "object" && video !== null ? (video as VideoGrant) : null;
}

/**
 * What the app actor needs of a verified webhook event, read straight from
 * LiveKit's JSON (protobuf's JSON mapping: lowerCamelCase names — the proto
 * names are accepted too —, enums by name, 64-bit numbers as strings, default
 * values left out). Decoding into protobuf classes first cost more than the
 * rest of the webhook together.
 */
export function liveKitEventFromJson(json: Json): LiveKitEvent | null {
  if (typeof json !== "object" || json === null || typeof json.event !== "string") return null;
  const participant = obj(json.participant) && participantFromJson(json.participant);
  const track = obj(json.track);
  const ingress = obj(json.ingressInfo ?? json.ingress_info);
  const egress = obj(json.egressInfo ?? json.egress_info);
  const room = obj(json.room);
  const file = obj(arr(egress?.fileResults ?? egress?.file_results)[0] ?? egress?.file);
  return {
    id: str(json.id),
    event: json.event,
    createdAt: Number(json.createdAt ?? json.created_at ?? 0),
    room: room ? { name: str(room.name), sid: str(room.sid) } : undefined,
    participant: participant
      ? { identity: participant.identity, sid: participant.sid, name: participant.name, hidden: participant.hidden, uncounted: leftOutOfCounts(participant.hidden, participant.attributes), kind: participant.kind }
      : undefined,
    track: track ? { sid: str(track.sid), type: str(track.type, "AUDIO"), source: str(track.source, "UNKNOWN"), muted: track.muted === true } : undefined,
    ingress: ingress
      ? {
          ingressId: str(ingress.ingressId ?? ingress.ingress_id),
          inputType: str(ingress.inputType ?? ingress.input_type, "RTMP_INPUT"),
          roomName: str(ingress.roomName ?? ingress.room_name),
          participantIdentity: str(ingress.participantIdentity ?? ingress.participant_identity),
          status: str(obj(ingress.state)?.status, "ENDPOINT_INACTIVE"),
          bitrateKbps: ingressBitrateKbps(obj(ingress.state)),
        }
      : undefined,
    egress: egress
      ? {
          egressId: str(egress.egressId ?? egress.egress_id),
          status: str(egress.status, "EGRESS_STARTING"),
          roomName: str(egress.roomName ?? egress.room_name),
          error: str(egress.error),
          file: file ? { filename: str(file.filename), sizeBytes: Number(file.size ?? 0), durationS: Number(file.duration ?? 0) / 1e9, location: str(file.location) } : null,
        }
      : undefined,
  };
}

// IngressState's `video` / `audio` input states carry `averageBitrate` (bits per second).
function ingressBitrateKbps(state: Record<string, unknown> | null): number | null {
  const rates = [obj(state?.video), obj(state?.audio)].map((input) => Number(input?.averageBitrate ?? input?.average_bitrate ?? NaN)).filter((rate) => Number.isFinite(rate) && rate > 0);
  return rates.length === 0 ? null : Math.round(rates.reduce((sum, rate) => sum + rate, 0) / 1000);
}

type Json = Record<string, any> | null;

/** API.md: a room is stored as `prefix-<room>`, unless empty (the prefix) or already prefixed. */
export function namespacedRoom(prefix: string, room: string | undefined): string {
  if (!room) return prefix;
  return room === prefix || room.startsWith(`${prefix}-`) ? room : `${prefix}-${room}`;
}

/** Where an egress uploads: the app's own bucket, with its keys (LiveKit's egress writes there directly). */
export const egressUpload = (settings: S3Settings, credentials: S3Credentials): S3Upload => ({
  accessKey: credentials.accessKeyId,
  secret: credentials.secretAccessKey,
  region: settings.region,
  endpoint: endpointOf(settings),
  bucket: settings.bucket,
  forcePathStyle: settings.forcePathStyle,
});

/**
 * What a failed LiveKit call means, `reason` in LiveKit's own words where it
 * answered: it refused this request (a Twirp 4xx — `invalid_argument`,
 * `not_found`, `failed_precondition` …: the caller's to fix); it failed itself
 * or refused StreamHub's keys (a 5xx, `unauthenticated`, `permission_denied`:
 * the operator's to fix); or nothing answered (`reason` a fixed phrase, never
 * the runtime's message).
 */
export type LiveKitFailure =
  | { kind: "rejected" | "failed"; status: number; code: string | null; reason: string }
  | { kind: "unreachable"; reason: string };

/** What an actor reports when it could not ask LiveKit (no keys), or LiveKit refused or failed. */
export type LiveKitRefusal = { ok: false; code: "livekit_not_configured" } | { ok: false; code: "livekit_failed"; failure: LiveKitFailure };

export function classifyLiveKitError(error: unknown): LiveKitFailure {
  if (error instanceof TwirpError) {
    const callersToFix = error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 403;
    return { kind: callersToFix ? "rejected" : "failed", status: error.status, code: error.code ?? null, reason: error.message.slice(0, 300) };
  }
  return { kind: "unreachable", reason: transportFailure(error) };
}

/**
 * Whether LiveKit said the thing is not there (404), or an egress no longer
 * running (412): what deleting or stopping it wanted anyway.
 */
export function liveKitGone(error: unknown, options: { stoppedEgress?: boolean } = {}): boolean {
  const failure = classifyLiveKitError(error);
  return failure.kind !== "unreachable" && (failure.status === 404 || (options.stoppedEgress === true && failure.status === 412));
}
