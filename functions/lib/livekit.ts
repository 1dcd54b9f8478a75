import { AccessToken, EgressClient, IngressClient, RoomServiceClient, WebhookReceiver, type VideoGrant } from "livekit-server-sdk";
import { S3Upload, type WebhookEvent } from "@livekit/protocol";
import { endpointOf, type S3Credentials, type S3Settings } from "../../durable/app/s3.ts";
import type { LiveKitEvent } from "../../durable/app/livekit-events.ts";
import type { Config } from "../config.ts";
import { ApiError } from "./errors.ts";
import { describeError, log } from "./log.ts";

// Every LiveKit call goes through livekit-server-sdk with the key, secret and
// URL passed explicitly from the validated config (never process.env).

export interface LiveKit {
  url: string;
  apiKey: string;
  apiSecret: string;
  rooms: RoomServiceClient;
  ingress: IngressClient;
  egress: EgressClient;
  receiver: WebhookReceiver;
}

const clients = new WeakMap<Config, LiveKit>();

/** The LiveKit clients, or a 503 when LIVEKIT_API_KEY / LIVEKIT_API_SECRET are not set. */
export function livekit(config: Config): LiveKit {
  const { LIVEKIT_URL: url, LIVEKIT_API_KEY: apiKey, LIVEKIT_API_SECRET: apiSecret } = config;
  if (!apiKey || !apiSecret) throw new ApiError(503, "livekit_not_configured", "LiveKit is not configured: set LIVEKIT_API_KEY and LIVEKIT_API_SECRET");
  let lk = clients.get(config);
  if (!lk) {
    const http = url.replace(/^ws/, "http");
    lk = {
      url,
      apiKey,
      apiSecret,
      rooms: new RoomServiceClient(http, apiKey, apiSecret),
      ingress: new IngressClient(http, apiKey, apiSecret),
      egress: new EgressClient(http, apiKey, apiSecret),
      receiver: new WebhookReceiver(apiKey, apiSecret),
    };
    clients.set(config, lk);
  }
  return lk;
}

/** A participant's access token carrying exactly `grant`. */
export async function mintAccessToken(
  lk: LiveKit,
  claims: { identity: string; name?: string; metadata?: string; ttlSeconds: number; grant: VideoGrant },
): Promise<string> {
  const token = new AccessToken(lk.apiKey, lk.apiSecret, {
    identity: claims.identity,
    name: claims.name,
    metadata: claims.metadata,
    ttl: claims.ttlSeconds,
  });
  token.addGrant(claims.grant);
  return token.toJwt();
}

/** What the app actor needs of a verified webhook event. */
export function toLiveKitEvent(event: WebhookEvent): LiveKitEvent {
  const json = event.toJson() as Record<string, any>;
  const participant = json.participant;
  const ingress = json.ingressInfo;
  const egress = json.egressInfo;
  return {
    id: event.id,
    event: event.event,
    createdAt: Number(event.createdAt),
    room: json.room ? { name: json.room.name ?? "", sid: json.room.sid ?? "" } : undefined,
    participant: participant
      ? { identity: participant.identity ?? "", sid: participant.sid ?? "", name: participant.name ?? "", hidden: Boolean(participant.permission?.hidden), kind: participant.kind ?? "STANDARD" }
      : undefined,
    track: json.track ? { sid: json.track.sid ?? "", type: json.track.type ?? "AUDIO", source: json.track.source ?? "UNKNOWN", muted: Boolean(json.track.muted) } : undefined,
    ingress: ingress
      ? {
          ingressId: ingress.ingressId ?? "",
          inputType: ingress.inputType ?? "RTMP_INPUT",
          roomName: ingress.roomName ?? "",
          participantIdentity: ingress.participantIdentity ?? "",
          status: ingress.state?.status ?? "ENDPOINT_INACTIVE",
        }
      : undefined,
    egress: egress
      ? {
          egressId: egress.egressId ?? "",
          status: egress.status ?? "EGRESS_STARTING",
          roomName: egress.roomName ?? "",
          error: egress.error ?? "",
          file: egress.fileResults?.[0]
            ? {
                filename: egress.fileResults[0].filename ?? "",
                sizeBytes: Number(egress.fileResults[0].size ?? 0),
                durationS: Number(egress.fileResults[0].duration ?? 0) / 1e9,
                location: egress.fileResults[0].location ?? "",
              }
            : null,
        }
      : undefined,
  };
}

/** API.md: a room is stored as `prefix-<room>`, unless empty (the prefix) or already prefixed. */
export function namespacedRoom(prefix: string, room: string | undefined): string {
  if (!room) return prefix;
  return room === prefix || room.startsWith(`${prefix}-`) ? room : `${prefix}-${room}`;
}

/** Where an egress uploads: the app's own bucket, with its keys (LiveKit's egress writes there directly). */
export const egressUpload = (settings: S3Settings, credentials: S3Credentials) =>
  new S3Upload({
    accessKey: credentials.accessKeyId,
    secret: credentials.secretAccessKey,
    region: settings.region,
    endpoint: endpointOf(settings),
    bucket: settings.bucket,
    forcePathStyle: settings.forcePathStyle,
  });

/**
 * A failed LiveKit call as the API answers it: LiveKit refusing the request
 * (4xx) is the caller's 400, anything else a 502 to retry. The cause is logged.
 */
export function livekitError(requestId: string, what: string, error: unknown): ApiError {
  log("error", `LiveKit failed to ${what}`, { requestId, ...describeError(error) });
  const status = (error as { status?: number }).status;
  return status && status >= 400 && status < 500
    ? new ApiError(400, "validation_failed", `LiveKit refused to ${what}: ${(error as Error).message}`)
    : new ApiError(502, "livekit_error", `LiveKit failed to ${what}; try again`);
}
