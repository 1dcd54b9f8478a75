// The local camera and microphone. As with Ant Media, they are opened when a
// publishing adaptor is created (the preview shows before going live), with
// the page's mediaConstraints passed to getUserMedia as they are, and they
// outlive stop(): a page publishes again with the same tracks, and
// closeStream() releases the devices.
import { LocalAudioTrack, LocalVideoTrack, Track, type LocalTrack } from "livekit-client";
import type { StreamHubMediaConstraints } from "./types.ts";

export class LocalMedia {
  video: LocalVideoTrack | null = null;
  audio: LocalAudioTrack | null = null;
  private readonly constraints: StreamHubMediaConstraints;
  private readonly preview: HTMLVideoElement | null;

  constructor(constraints: StreamHubMediaConstraints, preview: HTMLVideoElement | null) {
    this.constraints = constraints;
    this.preview = preview;
  }

  get wantsVideo(): boolean {
    return this.constraints.video !== false && this.constraints.video !== undefined;
  }

  get wantsAudio(): boolean {
    return this.constraints.audio !== false && this.constraints.audio !== undefined;
  }

  /** Opens what is wanted and not open yet (one getUserMedia prompt for both), and shows the preview. */
  async capture(): Promise<LocalTrack[]> {
    const video = this.wantsVideo && !this.isLive(this.video);
    const audio = this.wantsAudio && !this.isLive(this.audio);
    if (video || audio) {
      const stream = await navigator.mediaDevices.getUserMedia({ video: video ? this.constraints.video! : false, audio: audio ? this.constraints.audio! : false });
      const [videoTrack] = stream.getVideoTracks();
      const [audioTrack] = stream.getAudioTracks();
      // Not "user provided": LiveKit may then re-acquire the device with these constraints (device switches, restarts).
      if (videoTrack) {
        this.video = new LocalVideoTrack(videoTrack, constraintsOf(this.constraints.video), false);
        this.video.source = Track.Source.Camera;
      }
      if (audioTrack) {
        this.audio = new LocalAudioTrack(audioTrack, constraintsOf(this.constraints.audio), false);
        this.audio.source = Track.Source.Microphone;
      }
    }
    if (this.video && this.preview) this.video.attach(this.preview);
    return this.tracks();
  }

  tracks(): LocalTrack[] {
    return [this.video, this.audio].filter((track): track is LocalVideoTrack | LocalAudioTrack => track !== null);
  }

  /** A MediaStream of the open tracks (Ant Media's `mediaManager.localStream`). */
  stream(): MediaStream | null {
    const tracks = this.tracks().map((track) => track.mediaStreamTrack);
    return tracks.length ? new MediaStream(tracks) : null;
  }

  /** Releases the camera and microphone. */
  close(): void {
    for (const track of this.tracks()) {
      track.detach();
      track.stop();
    }
    this.video = null;
    this.audio = null;
  }

  private isLive(track: LocalTrack | null): boolean {
    return track !== null && track.mediaStreamTrack.readyState === "live";
  }
}

function constraintsOf(option: boolean | MediaTrackConstraints | undefined): MediaTrackConstraints {
  return typeof option === "object" ? option : {};
}
