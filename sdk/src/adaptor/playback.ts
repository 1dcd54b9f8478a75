// The streams a page plays. LiveKit subscribes to everything in the room by
// itself; what it does not say is when "the stream" a page asked for starts
// and ends. A played stream is the remote participant of that identity, or
// every participant when the stream id names the room (one publisher per
// room, the original's single-stream pages, or a conference's `play(room)`).
// It has started while at least one of its tracks is subscribed:
// play_started when the first arrives, play_finished when the last goes (the
// publisher stopped, unpublished or left), and play_started again if it
// comes back while the page is still playing. The remote video element shows
// the first played stream: its screen share while it has one, else its
// camera, with its audio.
import { Track, type RemoteParticipant, type RemoteTrack } from "livekit-client";

interface Play {
  streamId: string;
  started: boolean;
}

export interface PlaybackHost {
  emit(info: string, obj?: unknown): void;
  /** Whether a stream id names the room (as asked, or as LiveKit named it with the app's prefix). */
  namesRoom(streamId: string): boolean;
}

export class Playback {
  private readonly host: PlaybackHost;
  private readonly element: HTMLVideoElement | null;
  private readonly plays = new Map<string, Play>();
  /** Subscribed tracks by participant identity. */
  private readonly subscribed = new Map<string, Map<string, RemoteTrack>>();
  private readonly shown = new Set<RemoteTrack>();

  constructor(host: PlaybackHost, element: HTMLVideoElement | null) {
    this.host = host;
    this.element = element;
  }

  get streamIds(): string[] {
    return [...this.plays.keys()];
  }

  isPlaying(streamId: string): boolean {
    return this.plays.has(streamId);
  }

  /** Whether a remote participant belongs to a stream id. */
  matches(streamId: string, identity: string): boolean {
    return identity === streamId || this.host.namesRoom(streamId);
  }

  add(streamId: string): void {
    if (!this.plays.has(streamId)) this.plays.set(streamId, { streamId, started: false });
    this.update();
  }

  /** Stops playing a stream id, or all of them: play_finished for those that had started. Returns whether any was played. */
  remove(streamId?: string): boolean {
    const removed = [...this.plays.values()].filter((play) => streamId === undefined || play.streamId === streamId);
    for (const play of removed) {
      this.plays.delete(play.streamId);
      if (play.started) this.host.emit("play_finished", { streamId: play.streamId });
    }
    this.update();
    return removed.length > 0;
  }

  trackSubscribed(track: RemoteTrack, participant: RemoteParticipant): void {
    let tracks = this.subscribed.get(participant.identity);
    if (!tracks) this.subscribed.set(participant.identity, (tracks = new Map()));
    tracks.set(track.sid ?? track.mediaStreamTrack.id, track);
    this.update();
  }

  trackUnsubscribed(track: RemoteTrack, participant: RemoteParticipant): void {
    this.subscribed.get(participant.identity)?.delete(track.sid ?? track.mediaStreamTrack.id);
    this.update();
  }

  participantLeft(participant: RemoteParticipant): void {
    this.subscribed.delete(participant.identity);
    this.update();
  }

  /** The connection is gone: every track with it (play_finished for what had started). */
  disconnected(): void {
    this.subscribed.clear();
    this.update();
  }

  private tracksOf(streamId: string): RemoteTrack[] {
    const tracks: RemoteTrack[] = [];
    for (const [identity, byId] of this.subscribed) if (this.matches(streamId, identity)) tracks.push(...byId.values());
    return tracks;
  }

  private update(): void {
    for (const play of this.plays.values()) {
      const live = this.tracksOf(play.streamId).length > 0;
      if (live && !play.started) {
        play.started = true;
        this.host.emit("play_started", { streamId: play.streamId });
      } else if (!live && play.started) {
        play.started = false;
        this.host.emit("play_finished", { streamId: play.streamId });
      }
    }
    this.show();
  }

  private show(): void {
    const element = this.element;
    if (!element) return;
    const first = this.plays.values().next().value;
    const tracks = first ? this.tracksOf(first.streamId) : [];
    const video = tracks.find((track) => track.kind === Track.Kind.Video && track.source === Track.Source.ScreenShare) ?? tracks.find((track) => track.kind === Track.Kind.Video);
    const audio = tracks.find((track) => track.kind === Track.Kind.Audio);
    const wanted = new Set([video, audio].filter((track): track is RemoteTrack => track !== undefined));
    for (const track of this.shown) {
      if (!wanted.has(track)) {
        track.detach(element);
        this.shown.delete(track);
      }
    }
    for (const track of wanted) {
      if (this.shown.has(track)) continue;
      // LiveKit unmutes an element it gives audio to; whether it plays muted (so that autoplay is allowed) is the page's choice.
      const muted = element.muted;
      track.attach(element);
      element.muted = muted;
      this.shown.add(track);
    }
  }
}
