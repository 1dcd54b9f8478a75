import type { ParticipantInfo } from "../../core/livekit-api.ts";
import type { LiveRepository } from "./live.repo.ts";
import { leftOutOfCounts, type LiveKitEvent } from "../../core/livekit.ts";

/** What LiveKit reports about one room: null when the room does not exist there. */
export type LiveKitRoom = { name: string; sid: string; participants: ParticipantInfo[] } | null;

/**
 * The events that would have brought the stored state to what LiveKit reports,
 * had no webhook been lost: participants LiveKit no longer has leave,
 * participants it has that were never seen join, publishers whose tracks were
 * missed publish (or unpublish). Applied through the same code as real
 * webhooks, so the streams, events and quota follow alike.
 */
export async function reconciliationEvents(live: LiveRepository, room: string, actual: LiveKitRoom, now: number): Promise<LiveKitEvent[]> {
  const events: LiveKitEvent[] = [];
  let n = 0;
  const event = (name: string, fields: Partial<LiveKitEvent>): LiveKitEvent => ({ id: `reconcile:${room}:${now}:${n++}`, event: name, createdAt: Math.floor(now / 1000), ...fields });
  const roomRef = { name: room, sid: actual?.sid ?? "" };

  const stored = await live.participantsIn(room);
  const present = new Map((actual?.participants ?? []).map((p) => [p.identity, p]));

  for (const known of stored) {
    if (present.has(known.identity)) continue;
    // The participants table keeps whether one is counted, not LiveKit's own `hidden`: for the leaving event they are taken as one.
    const participant = { identity: known.identity, sid: known.sid, name: "", hidden: known.hidden === 1, uncounted: known.hidden === 1, kind: known.kind };
    events.push(event("participant_left", { room: roomRef, participant }));
  }
  // Streams whose publisher is not even in the participant table (a lost join) are ended too.
  for (const stream of await live.activeStreams(room)) {
    if (!present.has(stream.participant) && !stored.some((p) => p.identity === stream.participant)) {
      events.push(event("participant_left", { room: roomRef, participant: { identity: stream.participant, sid: "", name: "", hidden: false, uncounted: false, kind: "STANDARD" } }));
    }
  }

  for (const participant of present.values()) {
    const known = stored.find((p) => p.identity === participant.identity);
    const ref = {
      identity: participant.identity,
      sid: participant.sid,
      name: participant.name,
      hidden: participant.hidden,
      uncounted: leftOutOfCounts(participant.hidden, participant.attributes),
      kind: participant.kind,
    };
    if (!known) events.push(event("participant_joined", { room: roomRef, participant: ref }));
    const tracks = participant.tracks;
    const storedTracks = known?.tracks ?? 0;
    for (let i = storedTracks; i < tracks; i++) events.push(event("track_published", { room: roomRef, participant: ref }));
    for (let i = tracks; i < storedTracks; i++) events.push(event("track_unpublished", { room: roomRef, participant: ref }));
  }
  return events;
}

