// The page's own camera and microphone while they run: turning them off and
// on, switching devices, the level meter, the device list. A failure is
// reported through callbackError rather than thrown, as Ant Media's pages
// expect of every call.
import { createAudioAnalyser } from "livekit-client";
import { classify } from "./classify.ts";
import { ERROR_CODES } from "./errors.ts";
import type { EventHub } from "./events.ts";
import type { LocalMedia } from "./media.ts";

const AUDIO_LEVEL_PERIOD_MS = 200;

export class DeviceControls {
  private readonly media: LocalMedia;
  private readonly events: EventHub;
  private meter: { timer: ReturnType<typeof setInterval>; cleanup: () => Promise<void> } | null = null;

  constructor(media: LocalMedia, events: EventHub) {
    this.media = media;
    this.events = events;
  }

  /** Stops the camera (LiveKit stops the device, so its light goes off); viewers see the track muted. */
  async cameraOff(): Promise<void> {
    await this.media.video?.mute();
  }

  cameraOn(): Promise<void> {
    return this.attempt("turnOnLocalCamera", async () => {
      if (this.media.video) await this.media.video.unmute();
      else await this.media.capture();
    });
  }

  async micOff(): Promise<void> {
    await this.media.audio?.mute();
  }

  async micOn(): Promise<void> {
    await this.media.audio?.unmute();
  }

  /** Another camera; without a device id, the one facing the other way. */
  switchCamera(deviceId: string | undefined): Promise<void> {
    return this.attempt("switchVideoCameraCapture", async () => {
      const video = this.media.video;
      if (!video) await this.media.capture();
      else if (deviceId) await video.setDeviceId(deviceId);
      else await video.restartTrack({ facingMode: video.constraints.facingMode === "environment" ? "user" : "environment" });
    });
  }

  facing(facingMode: "user" | "environment"): Promise<void> {
    return this.attempt("switchVideoCameraFacingMode", async () => {
      await this.media.video?.restartTrack({ facingMode });
    });
  }

  switchMicrophone(deviceId: string): Promise<void> {
    return this.attempt("switchAudioInputSource", async () => {
      await this.media.audio?.setDeviceId(deviceId);
    });
  }

  applyConstraints(constraints: MediaTrackConstraints): Promise<void> {
    return this.attempt("applyConstraints", async () => {
      await this.media.video?.mediaStreamTrack.applyConstraints(constraints);
    });
  }

  /** The microphone's level (0–1) every `periodMs`, to `levelCallback` and as `updated_audio_level`. */
  startMeter(levelCallback: ((level: number) => void) | undefined, periodMs = AUDIO_LEVEL_PERIOD_MS): void {
    const audio = this.media.audio;
    if (this.meter || !audio) return;
    const analyser = createAudioAnalyser(audio);
    const timer = setInterval(() => {
      const level = analyser.calculateVolume();
      levelCallback?.(level);
      this.events.emit("updated_audio_level", { audioLevel: level });
    }, periodMs);
    this.meter = { timer, cleanup: analyser.cleanup };
  }

  stopMeter(): void {
    if (!this.meter) return;
    clearInterval(this.meter.timer);
    void this.meter.cleanup();
    this.meter = null;
  }

  /** `available_devices`. Enumerates without asking for permission (LiveKit's helper would open the devices to learn their labels). */
  async list(): Promise<MediaDeviceInfo[]> {
    const devices = navigator.mediaDevices ? await navigator.mediaDevices.enumerateDevices().catch(() => []) : [];
    this.events.emit("available_devices", devices);
    return devices;
  }

  private async attempt(operation: string, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.events.error(classify(error, ERROR_CODES.deviceSwitchFailed), operation);
    }
  }
}
