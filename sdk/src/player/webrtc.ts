import { ConnectionError, ConnectionErrorReason, DisconnectReason, Room, RoomEvent, Track, type RemoteParticipant, type RemoteTrack } from "livekit-client";
import { TokenError } from "./token.ts";
import type { Playback, PlaybackEvents } from "./types.ts";

/**
 * Plays a room over WebRTC with a subscribe-only token: the first publisher's
 * camera and microphone, in the given <video>. Resolves once connected (the
 * stream may not have started yet: "waiting"); rejects when LiveKit cannot be
 * reached within `timeoutMs`, which is when the player tries HLS instead.
 */
export async function playWebRtc(
  video: HTMLVideoElement,
  access: { token: string; wsUrl: string },
  events: PlaybackEvents,
  options: { timeoutMs: number; muted: () => boolean },
): Promise<Playback> {
  const timeoutMs = options.timeoutMs;
  const room = new Room({ adaptiveStream: true });
  let shown: RemoteParticipant | null = null;
  let wasShown = false;
  let stopped = false;

  // livekit-client unmutes the element when it attaches sound; muted autoplay must stay muted until the viewer says.
  const attach = (track: RemoteTrack) => {
    track.attach(video);
    video.muted = options.muted();
  };
  const show = (participant: RemoteParticipant) => {
    shown = participant;
    wasShown = true;
    events.arrived();
    for (const publication of participant.trackPublications.values()) if (publication.track) attach(publication.track);
  };
  // Another publisher in the room takes over when the one shown leaves.
  const showNext = () => {
    shown = null;
    for (const participant of room.remoteParticipants.values()) {
      if ([...participant.trackPublications.values()].some((p) => p.kind === Track.Kind.Video && p.track)) return show(participant);
    }
    events.state(wasShown ? "ended" : "waiting");
  };

  room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _publication, participant: RemoteParticipant) => {
    if (shown === null && track.kind === Track.Kind.Video) show(participant);
    else if (shown === participant) attach(track);
  });
  room.on(RoomEvent.TrackUnsubscribed, (track: RemoteTrack, _publication, participant: RemoteParticipant) => {
    track.detach(video);
    if (participant === shown && track.kind === Track.Kind.Video) showNext();
  });
  room.on(RoomEvent.ParticipantDisconnected, (participant) => {
    if (participant === shown) showNext();
  });
  room.on(RoomEvent.Reconnecting, () => events.state("reconnecting"));
  room.on(RoomEvent.Reconnected, () => events.state(shown ? "live" : "waiting"));
  room.on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
    // A connection that never came up is the caller's to judge (it tries HLS next), not a state of this view.
    if (stopped || !connected) return;
    // The room closed (everyone left) or this viewer was removed: the stream is over for it.
    if (reason === DisconnectReason.ROOM_DELETED || reason === DisconnectReason.PARTICIPANT_REMOVED) events.state("ended");
    else events.state("error", `disconnected from LiveKit (${reason ?? "unknown"})`);
  });

  let connected = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      room.connect(access.wsUrl, access.token, { autoSubscribe: true }),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`WebRTC did not connect within ${timeoutMs} ms`)), timeoutMs))),
    ]);
  } catch (error) {
    stopped = true;
    await room.disconnect();
    // LiveKit refused the token (expired, another room's, forged): no other path would accept it either.
    if (error instanceof ConnectionError && error.reason === ConnectionErrorReason.NotAllowed) throw new TokenError("not-allowed", "LiveKit refused this token");
    throw error;
  } finally {
    clearTimeout(timer);
  }
  connected = true;
  if (!shown) events.state("waiting");

  return {
    path: "webrtc",
    stop: async () => {
      stopped = true;
      await room.disconnect();
    },
  };
}
