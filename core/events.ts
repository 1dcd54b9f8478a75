// The catalog of app events: every event an app records (and delivers to its
// webhook endpoints), with the shape of its `data`. `recordEvent` accepts only
// these names, webhook subscriptions are validated against them, and
// docs/webhook-events.md is checked against this list, so an event cannot be
// recorded, subscribed to or shipped without being in all three.

type Scalar = string | number | boolean | null;

/** LiveKit's own webhook events, forwarded as LiveKit reported them. */
export const LIVEKIT_EVENTS = [
  "room_started",
  "room_finished",
  "participant_joined",
  "participant_left",
  "track_published",
  "track_unpublished",
  "ingress_started",
  "ingress_updated",
  "ingress_ended",
  "egress_started",
  "egress_updated",
  "egress_ended",
] as const;
export type LiveKitEventName = (typeof LIVEKIT_EVENTS)[number];

/** A forwarded LiveKit event's data (`eventId` and `createdAt` are LiveKit's). */
export interface LiveKitEventData {
  eventId: string;
  createdAt: number;
  room: string | null;
  participant?: { identity: string; name: string; sid: string; hidden: boolean };
  track?: { sid: string; type: string; source: string; muted: boolean };
  ingress?: { ingressId: string; inputType: string; roomName: string };
  egress?: { egressId: string; status: string; roomName: string; error: string; file: { filename: string; sizeBytes: number; durationS: number; location: string } | null };
}

interface StreamEventData {
  streamId: string;
  room: string;
  type: string;
  participant: string;
  ingressId: string | null;
}

interface RecordingEventData {
  vodId: string;
  egressId: string;
  room: string;
  streamId: string | null;
}

interface QuotaEventData {
  tenantId: string;
  metric: string;
  limit: number;
  used: number;
  [field: string]: Scalar;
}

/** How a live stream is doing: `stalled` — it stopped sending; `degraded` — its viewers' playback suffers. */
export type StreamHealth = "healthy" | "degraded" | "stalled";
/** Why, for `stream.health_changed`. */
export type StreamHealthReason = "ingress_buffering" | "ingress_error" | "viewers_rebuffering" | "viewers_failing" | "recovered";

/** StreamHub's own events, each with its data. */
export interface StreamHubEvents {
  stream_started: StreamEventData;
  stream_ended: StreamEventData & { reason: string };
  "stream.health_changed": StreamEventData & { health: StreamHealth; previous: StreamHealth; reason: StreamHealthReason };
  recording_started: RecordingEventData & { mode: string };
  vod_ready: RecordingEventData & { fileKey: string; sizeBytes: number; durationS: number; width: number | null; height: number | null; format: string };
  recording_failed: RecordingEventData & { reason: string; detail: string | null };
  vod_deleted: { vodId: string; room: string; fileKey: string };
  hls_started: { room: string; egressId: string; playlistUrl: string };
  hls_stopped: { room: string; egressId: string };
  "quota.warning": QuotaEventData;
  "quota.exceeded": QuotaEventData & { denied: boolean };
  "webhook.endpoint_disabled": { endpointId: string; url: string; reason: string };
  "webhook.test": { endpointId: string; message: string };
}

export type AppEvents = StreamHubEvents & { [name in LiveKitEventName]: LiveKitEventData };
export type AppEventName = keyof AppEvents;

const STREAMHUB_EVENT_NAMES: Record<keyof StreamHubEvents, true> = {
  stream_started: true,
  stream_ended: true,
  "stream.health_changed": true,
  recording_started: true,
  vod_ready: true,
  recording_failed: true,
  vod_deleted: true,
  hls_started: true,
  hls_stopped: true,
  "quota.warning": true,
  "quota.exceeded": true,
  "webhook.endpoint_disabled": true,
  "webhook.test": true,
};

/** Every event name, in catalog order. */
export const APP_EVENTS: readonly AppEventName[] = [...LIVEKIT_EVENTS, ...(Object.keys(STREAMHUB_EVENT_NAMES) as (keyof StreamHubEvents)[])];

const known = new Set<string>(APP_EVENTS);

export const isAppEvent = (name: string): name is AppEventName => known.has(name);
export const isLiveKitEvent = (name: string): name is LiveKitEventName => (LIVEKIT_EVENTS as readonly string[]).includes(name);
