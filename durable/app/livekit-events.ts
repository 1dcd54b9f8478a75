import { isLiveKitEvent, type LiveKitEventData } from "../../core/events.ts";
import type { LiveKitEvent } from "../../core/livekit.ts";
import type { EventLog } from "./event-log.ts";
import { INGRESS_STATUS, type IngressRepository } from "./ingress.repo.ts";
import type { LiveRepository, StreamType } from "./live.repo.ts";

/** The ledger key of a monthly quota: usage counts per calendar month (UTC). */
export const monthlyMetric = (metric: string, at: Date = new Date()) => `${metric}:${at.toISOString().slice(0, 7)}`;

/** An egress's progress, applied by the capability that owns recordings and live HLS (recordings.ts). */
export type EgressChanged = (egress: NonNullable<LiveKitEvent["egress"]>, event: string, now: string) => Promise<QuotaAction[]>;

/** The tables a LiveKit event changes, and who applies what an egress did. */
export interface LiveKitState {
  live: LiveRepository;
  ingresses: IngressRepository;
  egressChanged: EgressChanged;
  events: EventLog;
}

/** What an event changed that its caller acts on: quota ledger calls, and rooms where a stream started. */
export interface EventOutcome {
  quota: QuotaAction[];
  startedRooms: string[];
}

/** What the tenant's quota ledger must be told once the state change is stored. */
export type QuotaAction =
  | { kind: "commitHeld"; holder: string }
  | { kind: "release"; reservationId: string }
  | { kind: "adjust"; metric: string; delta: number };

const INGRESS_STREAM_TYPE: Record<string, StreamType> = { RTMP_INPUT: "rtmp", WHIP_INPUT: "whip", URL_INPUT: "url" };

export const streamIdOf = (room: string, identity: string) => `${room}/${identity}`;

/**
 * Who a publisher token's concurrent-stream slot is held for in the tenant's
 * ledger. Room names carry their app's prefix, and prefixes never overlap, so
 * this is unique across the tenant's apps.
 */
export const publisherHolder = (room: string, identity: string) => `publisher:${room}/${identity}`;

/**
 * Applies one event to the app's live state and records the app events it
 * causes (`stream_started`, `stream_ended`, and the LiveKit event itself).
 * Returns the quota ledger calls to make — a stream that starts takes a
 * concurrent-stream slot (its publisher token's reservation, or a new count),
 * a stream that ends gives it back — and the rooms where a stream started.
 */
export async function applyLiveKitEvent(state: LiveKitState, event: LiveKitEvent, now: string): Promise<EventOutcome> {
  const { live, ingresses, egressChanged, events } = state;
  const actions: QuotaAction[] = [];
  const startedRooms: string[] = [];
  const room = event.room?.name ?? event.ingress?.roomName ?? "";
  const participant = event.participant;

  const endStream = async (identity: string, reason: string) => {
    const streamId = streamIdOf(room, identity);
    const stream = await live.activeStream(streamId);
    if (!stream) return;
    await live.endStream(streamId, reason, now);
    if (stream.quotaHeld) actions.push({ kind: "adjust", metric: "maxConcurrentStreams", delta: -1 });
    await events.record("stream_ended", { streamId, room, type: stream.type, participant: identity, ingressId: stream.ingressId, reason }, now);
  };

  switch (event.event) {
    case "participant_joined":
      if (participant) {
        const existing = await live.participant(room, participant.identity);
        await live.upsertParticipant({ room, identity: participant.identity, sid: participant.sid, hidden: participant.uncounted, kind: participant.kind, tracks: existing?.tracks ?? 0 }, now);
      }
      break;

    case "track_published":
      if (participant) {
        const existing = await live.participant(room, participant.identity);
        await live.upsertParticipant(
          { room, identity: participant.identity, sid: participant.sid, hidden: participant.uncounted, kind: participant.kind, tracks: (existing?.tracks ?? 0) + 1 },
          now,
        );
        // A hidden participant (a recorder, a QC monitor) is never a stream.
        if (participant.uncounted) break;
        const streamId = streamIdOf(room, participant.identity);
        if (await live.activeStream(streamId)) break;

        // The publisher token's slot (held in the tenant's ledger for this room and identity) is committed; without one the stream is counted anyway.
        actions.push({ kind: "commitHeld", holder: publisherHolder(room, participant.identity) });
        const ingressId = participant.kind === "INGRESS" ? (await ingressOf(live, room, participant.identity)) : null;
        const type: StreamType = participant.kind === "INGRESS" ? (ingressId?.type ?? "rtmp") : "webrtc";
        await live.startStream({ streamId, type, room, participant: participant.identity, ingressId: ingressId?.id ?? null, quotaHeld: true }, now);
        await events.record("stream_started", { streamId, room, type, participant: participant.identity, ingressId: ingressId?.id ?? null }, now);
        startedRooms.push(room);
      }
      break;

    case "track_unpublished":
      if (participant) {
        const existing = await live.participant(room, participant.identity);
        const tracks = Math.max(0, (existing?.tracks ?? 1) - 1);
        await live.upsertParticipant({ room, identity: participant.identity, sid: participant.sid, hidden: participant.uncounted, kind: participant.kind, tracks }, now);
        if (tracks === 0) await endStream(participant.identity, "unpublished");
      }
      break;

    // LiveKit sends connection_aborted instead of left for a participant that never finished connecting.
    case "participant_left":
    case "participant_connection_aborted":
      if (participant) {
        await live.removeParticipant(room, participant.identity);
        await endStream(participant.identity, "left");
      }
      break;

    case "room_finished":
      for (const stream of await live.activeStreams(room)) await endStream(stream.participant, "room_finished");
      await live.clearRoom(room);
      break;

    case "ingress_started":
    case "ingress_updated":
      if (event.ingress) {
        await rememberIngress(live, event.ingress, now);
        await ingresses.setStatus(event.ingress.ingressId, INGRESS_STATUS[event.ingress.status] ?? "inactive", now);
      }
      break;

    case "ingress_ended":
      if (event.ingress) {
        await rememberIngress(live, event.ingress, now);
        const status = INGRESS_STATUS[event.ingress.status];
        await ingresses.setStatus(event.ingress.ingressId, status === "error" || status === "complete" ? status : "inactive", now);
        await endStream(event.ingress.participantIdentity, "ingress_ended");
      }
      break;
  }

  if (event.egress && event.event.startsWith("egress_")) actions.push(...(await egressChanged(event.egress, event.event, now)));

  // Every LiveKit event of the catalog is an app event too (forwarded outbound as received).
  if (isLiveKitEvent(event.event)) await events.record(event.event, livekitEventData(event), now);
  return { quota: actions, startedRooms };
}

// The ingress a publishing participant belongs to, from the ingress events seen so far.
async function ingressOf(live: LiveRepository, room: string, identity: string): Promise<{ id: string; type: StreamType } | null> {
  const seen = await live.ingressForParticipant(room, identity);
  return seen ? { id: seen.ingressId, type: INGRESS_STREAM_TYPE[seen.inputType] ?? "rtmp" } : null;
}

async function rememberIngress(live: LiveRepository, ingress: NonNullable<LiveKitEvent["ingress"]>, now: string): Promise<void> {
  await live.rememberIngressParticipant(ingress.roomName, ingress.participantIdentity, ingress.ingressId, ingress.inputType, now);
}

const livekitEventData = (event: LiveKitEvent): LiveKitEventData => ({
  eventId: event.id,
  createdAt: event.createdAt,
  room: event.room?.name ?? event.ingress?.roomName ?? event.egress?.roomName ?? null,
  ...(event.participant ? { participant: { identity: event.participant.identity, name: event.participant.name, sid: event.participant.sid, hidden: event.participant.hidden } } : {}),
  ...(event.track ? { track: event.track } : {}),
  ...(event.ingress ? { ingress: { ingressId: event.ingress.ingressId, inputType: event.ingress.inputType, roomName: event.ingress.roomName } } : {}),
  ...(event.egress ? { egress: event.egress } : {}),
});
