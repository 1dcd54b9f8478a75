// LiveKit's server API, as StreamHub uses it: Twirp over JSON (POST
// /twirp/livekit.<Service>/<Method>, protobuf's JSON mapping), authorized by a
// short-lived token carrying only the grant that one method needs.
//
// Written out rather than taken from livekit-server-sdk: the SDK brings LiveKit's
// protobuf messages and the protobuf runtime (a fifth of the Worker's bundle,
// which workerd parses at every start, called or not) to build and read JSON
// that is a handful of plain fields here. The requests are what the SDK sends
// (protobuf's JSON names: lowerCamelCase, enums by name); the answers are read
// by name in either of the JSON mapping's spellings (lowerCamelCase or the proto
// name), as LiveKit may write either. core/livekit-api.node.test.ts holds each
// request to the SDK's own (path, JSON fields, issuer, grant); the route and
// actor tests call each method against the stand-in, which parses requests with
// LiveKit's protobuf messages and refuses unknown fields; the rooms methods also
// run against the real LiveKit server in the e2e tests.
import { toBase64Url, utf8 } from "./crypto/encoding.ts";
import { hmacKey } from "./crypto/hmac.ts";
import { signJwt } from "./crypto/jwt.ts";
import { withDeadline } from "./transport.ts";

/** The keys and where LiveKit's API is (http(s), or the ws(s) URL clients are given). */
export interface LiveKitKeys {
  url: string;
  apiKey: string;
  apiSecret: string;
}

/**
 * LiveKit's `VideoGrant` (the `video` claim), as its server reads it.
 * `canPublishSources` are the source names LiveKit's token format uses.
 */
export interface VideoGrant {
  roomCreate?: boolean;
  roomJoin?: boolean;
  roomList?: boolean;
  roomRecord?: boolean;
  roomAdmin?: boolean;
  room?: string;
  ingressAdmin?: boolean;
  canPublish?: boolean;
  canPublishSources?: ("camera" | "microphone" | "screen_share" | "screen_share_audio")[];
  canSubscribe?: boolean;
  canPublishData?: boolean;
  canUpdateOwnMetadata?: boolean;
  hidden?: boolean;
  recorder?: boolean;
  agent?: boolean;
}

/** A call LiveKit answered with an error: the HTTP status, Twirp's code (`not_found`, `invalid_argument` …) and LiveKit's message. */
export class TwirpError extends Error {
  override readonly name = "TwirpError";
  readonly status: number;
  readonly code: string | null;
  readonly meta: Readonly<Record<string, string>>;

  constructor(status: number, code: string | null, message: string, meta: Readonly<Record<string, string>> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.meta = meta;
  }
}

// ── Requests ───────────────────────────────────────────────────────────────

/** Where an egress writes: an S3 bucket, with its keys (LiveKit's `S3Upload`). */
export interface S3Upload {
  accessKey: string;
  secret: string;
  region: string;
  endpoint: string;
  bucket: string;
  forcePathStyle: boolean;
}

/** LiveKit's `EncodingOptionsPreset` names that StreamHub uses. */
export type EncodingPreset = "H264_720P_30" | "H264_1080P_30";

/** One egress output: an MP4 file (`EncodedFileOutput`) or HLS segments (`SegmentedFileOutput`), each to S3. */
export type EgressOutput =
  | { file: { fileType: "MP4"; filepath: string; s3: S3Upload } }
  | { segments: { protocol: "HLS_PROTOCOL"; filenamePrefix: string; playlistName: string; segmentDuration: number; s3: S3Upload } };

/** LiveKit's `IngressInput` names. */
export type IngressInput = "RTMP_INPUT" | "WHIP_INPUT" | "URL_INPUT";

export interface CreateIngress {
  inputType: IngressInput;
  name: string;
  roomName: string;
  participantIdentity: string;
  participantName: string;
  enableTranscoding: boolean;
  /** What a URL_INPUT ingress pulls. */
  url?: string;
}

// ── Answers ────────────────────────────────────────────────────────────────

export interface RoomInfo {
  sid: string;
  name: string;
  numParticipants: number;
}

/** `kind` by name (`STANDARD`, `INGRESS`, `EGRESS`, `SIP`, `AGENT`); `tracks`: how many it publishes. */
export interface ParticipantInfo {
  sid: string;
  identity: string;
  name: string;
  kind: string;
  hidden: boolean;
  attributes: Record<string, string>;
  tracks: number;
}

export interface EgressInfo {
  egressId: string;
  status: string;
}

export interface IngressInfo {
  ingressId: string;
  name: string;
  /** Where to publish. */
  url: string;
  streamKey: string;
}

/** The RoomService, Egress and Ingress methods StreamHub calls. */
export interface LiveKitApi {
  rooms: {
    listRooms(names?: string[]): Promise<RoomInfo[]>;
    listParticipants(room: string): Promise<ParticipantInfo[]>;
    removeParticipant(room: string, identity: string): Promise<void>;
    deleteRoom(room: string): Promise<void>;
  };
  egress: {
    startRoomCompositeEgress(room: string, output: EgressOutput, options: { layout?: string; preset: EncodingPreset }): Promise<EgressInfo>;
    startParticipantEgress(room: string, identity: string, output: EgressOutput, options: { preset: EncodingPreset }): Promise<EgressInfo>;
    stopEgress(egressId: string): Promise<void>;
  };
  ingress: {
    createIngress(request: CreateIngress): Promise<IngressInfo>;
    deleteIngress(ingressId: string): Promise<void>;
  };
}

/** How long LiveKit may take to answer one call (the SDK's default). */
const REQUEST_TIMEOUT_MS = 10_000;
/** How long a call's token is valid: long enough for clock skew, short enough to be useless later. */
const API_TOKEN_TTL_S = 600;

export function liveKitApi(keys: LiveKitKeys): LiveKitApi {
  const call = (service: "RoomService" | "Egress" | "Ingress", method: string, grant: VideoGrant, body: object) => twirp(twirpUrl(keys.url, service, method), keys, grant, body);
  const outputs = (output: EgressOutput) => ("file" in output ? { fileOutputs: [output.file] } : { segmentOutputs: [output.segments] });
  return {
    rooms: {
      listRooms: async (names = []) => arr((await call("RoomService", "ListRooms", { roomList: true }, names.length ? { names } : {})).rooms).map(roomFromJson),
      listParticipants: async (room) => arr((await call("RoomService", "ListParticipants", { roomAdmin: true, room }, { room })).participants).map(participantFromJson),
      removeParticipant: async (room, identity) => void (await call("RoomService", "RemoveParticipant", { roomAdmin: true, room }, { room, identity })),
      deleteRoom: async (room) => void (await call("RoomService", "DeleteRoom", { roomCreate: true }, { room })),
    },
    egress: {
      startRoomCompositeEgress: async (room, output, options) =>
        egressFromJson(await call("Egress", "StartRoomCompositeEgress", { roomRecord: true }, { roomName: room, ...(options.layout ? { layout: options.layout } : {}), preset: options.preset, ...outputs(output) })),
      startParticipantEgress: async (room, identity, output, options) =>
        egressFromJson(await call("Egress", "StartParticipantEgress", { roomRecord: true }, { roomName: room, identity, preset: options.preset, ...outputs(output) })),
      stopEgress: async (egressId) => void (await call("Egress", "StopEgress", { roomRecord: true }, { egressId })),
    },
    ingress: {
      createIngress: async ({ inputType, name, roomName, participantIdentity, participantName, enableTranscoding, url }) =>
        ingressFromJson(await call("Ingress", "CreateIngress", { ingressAdmin: true }, { inputType, name, roomName, participantIdentity, participantName, enableTranscoding, url })),
      deleteIngress: async (ingressId) => void (await call("Ingress", "DeleteIngress", { ingressAdmin: true }, { ingressId })),
    },
  };
}

/**
 * Where a method is: under the URL's own path, if it has one (LiveKit behind a
 * proxy's prefix), with any query or fragment of the setting left out.
 */
export function twirpUrl(livekitUrl: string, service: string, method: string): string {
  const url = new URL(livekitUrl.replace(/^ws/, "http"));
  url.search = "";
  url.hash = "";
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/twirp/livekit.${service}/${method}`;
  return url.href;
}

/** One Twirp call: the answer's JSON, or a TwirpError when LiveKit answered with an error (transport failures are thrown as they come). */
async function twirp(url: string, keys: LiveKitKeys, grant: VideoGrant, body: object): Promise<Json> {
  const authorization = `Bearer ${await apiToken(keys, grant)}`;
  const { response, text } = await withDeadline(REQUEST_TIMEOUT_MS, async (signal) => {
    const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", Authorization: authorization }, body: JSON.stringify(body), signal });
    return { response, text: await response.text() };
  });
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    // Not JSON: a proxy's page, or a server that is not LiveKit's.
  }
  if (response.ok && obj(json)) return json as Json;
  const error = obj(json);
  // Twirp's error body: {"code": "not_found", "msg": "…", "meta": {…}}.
  throw new TwirpError(
    response.ok ? 502 : response.status,
    typeof error?.code === "string" ? error.code : null,
    typeof error?.msg === "string" ? error.msg : response.ok ? "LiveKit's answer is not JSON" : `${response.status} ${response.statusText}`.trim(),
    obj(error?.meta) ? (error!.meta as Record<string, string>) : {},
  );
}

/** `{"alg":"HS256"}`, the protected header LiveKit's SDK writes. */
const JWT_HEADER = toBase64Url(utf8(JSON.stringify({ alg: "HS256" })));

/** The API secret's HMAC key, imported once per isolate. */
export const signingKey = (secret: string) => hmacKey(`livekit:${secret}`, () => utf8(secret));

/** A compact HS256 JWS of `payload`, signed with the API secret. */
export const signLiveKitJwt = (keys: Pick<LiveKitKeys, "apiSecret">, payload: object): Promise<string> => signJwt(signingKey(keys.apiSecret), payload, JWT_HEADER);

/** The token for one server API call: the API key as issuer, no identity, only `grant` (the SDK's `authHeader`). */
function apiToken(keys: LiveKitKeys, grant: VideoGrant): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return signLiveKitJwt(keys, { video: grant, iss: keys.apiKey, nbf: now, exp: now + API_TOKEN_TTL_S });
}

// ── Reading answers ────────────────────────────────────────────────────────
// protobuf's JSON mapping leaves default values out (0, "", false, empty lists)
// and may spell a field by its proto name; each reader says what it falls back to.

// Also read by core/livekit.ts's webhook decoder: LiveKit's JSON, the same mapping.
type Json = Record<string, unknown>;
export const obj = (value: unknown): Json | null => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : null);
export const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** A field by its JSON name or its proto name. */
const field = (json: Json | null, name: string): unknown => json?.[name] ?? json?.[snake(name)];
export const str = (value: unknown, fallback = ""): string => (typeof value === "string" ? value : typeof value === "number" ? String(value) : fallback);
// 64-bit and 32-bit numbers alike: protobuf's JSON writes int64 as a string.
const num = (value: unknown): number => (typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) || 0 : 0);

// Enums by number, for a server that writes them as numbers (livekit_models.proto, livekit_egress.proto).
const PARTICIPANT_KINDS: Record<number, string> = { 0: "STANDARD", 1: "INGRESS", 2: "EGRESS", 3: "SIP", 4: "AGENT", 7: "CONNECTOR", 8: "BRIDGE" };
const EGRESS_STATUSES: Record<number, string> = { 0: "EGRESS_STARTING", 1: "EGRESS_ACTIVE", 2: "EGRESS_ENDING", 3: "EGRESS_COMPLETE", 4: "EGRESS_FAILED", 5: "EGRESS_ABORTED", 6: "EGRESS_LIMIT_REACHED" };

/** An answer's id: without one, the answer says nothing StreamHub can keep (a later stop or delete would need it). */
function requiredId(value: Json, name: string): string {
  const id = str(field(value, name));
  if (!id) throw new TwirpError(502, null, `LiveKit's answer has no ${name}`);
  return id;
}

export function roomFromJson(value: unknown): RoomInfo {
  const room = obj(value);
  return { sid: str(room?.sid), name: str(room?.name), numParticipants: num(field(room, "numParticipants")) };
}

export function participantFromJson(value: unknown): ParticipantInfo {
  const participant = obj(value);
  const kind = participant?.kind;
  // A map<string, string> in LiveKit's schema, taken as it comes: this runs for every webhook a participant is in.
  const attributes = (obj(participant?.attributes) ?? {}) as Record<string, string>;
  return {
    sid: str(participant?.sid),
    identity: str(participant?.identity),
    name: str(participant?.name),
    kind: typeof kind === "string" ? kind : (PARTICIPANT_KINDS[num(kind)] ?? "UNKNOWN"),
    hidden: obj(participant?.permission)?.hidden === true,
    attributes,
    tracks: arr(participant?.tracks).length,
  };
}

export function egressFromJson(value: Json): EgressInfo {
  const status = value.status;
  return { egressId: requiredId(value, "egressId"), status: typeof status === "string" ? status : (EGRESS_STATUSES[num(status)] ?? "EGRESS_STARTING") };
}

export function ingressFromJson(value: Json): IngressInfo {
  return { ingressId: requiredId(value, "ingressId"), name: str(value.name), url: str(value.url), streamKey: str(field(value, "streamKey")) };
}
