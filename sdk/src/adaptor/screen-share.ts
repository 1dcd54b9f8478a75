// Screen sharing, published beside the camera as LiveKit's screen-share
// track (players show it in their remote video element while it lasts).
// `screen_share_started` once it is published; `screen_share_stopped` once,
// however it ends: stopDesktopCapture(), the browser's own "stop sharing"
// (LiveKit unpublishes the ended track), stop() or a lost connection.
import { ConnectionState, type Room } from "livekit-client";
import { classify } from "./classify.ts";
import { AdaptorError, ERROR_CODES } from "./errors.ts";
import type { EventHub } from "./events.ts";

export class ScreenShare {
  private readonly room: Room;
  private readonly events: EventHub;
  private readonly streamId: () => string | null;
  private sharing = false;

  constructor(room: Room, events: EventHub, streamId: () => string | null) {
    this.room = room;
    this.events = events;
    this.streamId = streamId;
  }

  async start(): Promise<void> {
    try {
      if (this.room.state !== ConnectionState.Connected) throw new AdaptorError(ERROR_CODES.screenShareFailed, "screen sharing needs a connection: publish first");
      await this.room.localParticipant.setScreenShareEnabled(true, { audio: false });
      if (!this.sharing) {
        this.sharing = true;
        this.events.emit("screen_share_started", { streamId: this.streamId() });
      }
    } catch (error) {
      const failure = classify(error, ERROR_CODES.screenShareFailed);
      // Ant Media's name for the user's refusal.
      this.events.error(failure.code === "NotAllowedError" ? new AdaptorError(ERROR_CODES.screenSharePermissionDenied, failure.message) : failure, "switchDesktopCapture");
    }
  }

  async stop(): Promise<void> {
    if (this.sharing) await this.room.localParticipant.setScreenShareEnabled(false).catch(() => undefined);
    this.ended();
  }

  /** It ended, whichever way. */
  ended(): void {
    if (!this.sharing) return;
    this.sharing = false;
    this.events.emit("screen_share_stopped", { streamId: this.streamId() });
  }
}
