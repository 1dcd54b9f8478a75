// StreamHubAdaptor (exported as WebRTCAdaptor too): the original StreamHub
// SDK's drop-in for Ant Media's WebRTCAdaptor, over one livekit-client Room.
// Ant Media's methods and string callbacks stay as pages use them; underneath,
// credentials come from StreamHub (token.ts), the camera from media.ts, what
// "playing a stream" means from playback.ts, and statistics from stats.ts.
import { ConnectionState, DisconnectReason, Room, RoomEvent, Track, type LocalTrack, type RemoteParticipant, type RemoteTrack } from "livekit-client";
import { classify } from "./classify.ts";
import { DeviceControls } from "./devices.ts";
import { AdaptorError, ERROR_CODES } from "./errors.ts";
import { EventHub } from "./events.ts";
import { LocalMedia } from "./media.ts";
import { Playback } from "./playback.ts";
import { PlayQuality, qoeUrlOf } from "./quality.ts";
import { ScreenShare } from "./screen-share.ts";
import { StatsSampler } from "./stats.ts";
import { resolveCredentials } from "./token.ts";
import type {
  AdaptorStats,
  AntMediaCallback,
  AntMediaErrorCallback,
  MediaManagerShim,
  NamedListener,
  PeerConnectionShim,
  RoomInformation,
  StreamHubAdaptorConfig,
  StreamHubMediaConstraints,
} from "./types.ts";

const STATS_PERIOD_MS = 2000;

export class StreamHubAdaptor {
  /** Ant Media's plugin list. Kept so pages that touch it do not break; plugins are not run. */
  static pluginInitMethods: unknown[] = [];

  readonly config: StreamHubAdaptorConfig;
  mediaConstraints: StreamHubMediaConstraints;
  localVideoElement: HTMLVideoElement | null;
  remoteVideoElement: HTMLVideoElement | null;
  isPlayMode: boolean;
  /** The stream id given to publish(). */
  publishStreamId: string | null = null;
  /** The LiveKit room of the connection (with the app's prefix), or the room asked for until connected. */
  roomName: string | null = null;
  readonly remotePeerConnection: Record<string, PeerConnectionShim> = {};
  readonly mediaManager: MediaManagerShim;

  private readonly room: Room;
  private readonly events: EventHub;
  private readonly media: LocalMedia;
  private readonly playback: Playback;
  /** Quality-of-experience reports of what is played (null: StreamHub or the app unknown, or `qoe: false`). */
  private readonly quality: PlayQuality | null;
  private readonly devices: DeviceControls;
  private readonly screen: ScreenShare;
  private readonly stats = new StatsSampler();
  private readonly dataChannelEnabled: boolean;
  /** Settles once the local media is open (publishing adaptors) and `initialized` was reported. */
  private readonly ready: Promise<void>;
  private connecting: Promise<void> | null = null;
  /** The room joinRoom() named: publish() and play() join it rather than one named after their stream. */
  private joinedRoom: string | null = null;
  /** The room the current connection asked for, before the app's prefix. */
  private requestedRoom: string | null = null;
  private publishing = false;
  private statsTimer: ReturnType<typeof setInterval> | null = null;

  constructor(config: StreamHubAdaptorConfig) {
    this.config = config;
    this.mediaConstraints = config.mediaConstraints ?? { video: true, audio: true };
    this.isPlayMode = config.isPlayMode ?? config.playOnly ?? false;
    this.dataChannelEnabled = config.dataChannelEnabled ?? true;
    this.localVideoElement = config.localVideoElement ?? videoElementById(config.localVideoId);
    this.remoteVideoElement = config.remoteVideoElement ?? videoElementById(config.remoteVideoId);
    this.events = new EventHub({ callback: config.callback, callbackError: config.callbackError ?? config.callback_error, debug: config.debug });
    this.media = new LocalMedia(this.mediaConstraints, this.localVideoElement);
    this.playback = new Playback({ emit: (info, obj) => this.events.emit(info, obj), namesRoom: (streamId) => this.namesRoom(streamId) }, this.remoteVideoElement);
    const qoeUrl = qoeUrlOf(config);
    const quality = (this.quality = qoeUrl ? new PlayQuality(qoeUrl) : null);
    if (quality) {
      this.events.addEventListener("play_started", (obj: { streamId: string }) => quality.started(obj.streamId));
      this.events.addEventListener("play_finished", (obj: { streamId: string }) => quality.finished(obj.streamId));
    }
    // No adaptiveStream: it pauses every remote video not attached by LiveKit
    // itself to a visible element, and Ant Media pages attach the tracks of
    // newStreamAvailable to elements of their own.
    this.room = new Room({
      dynacast: true,
      publishDefaults: { simulcast: true, ...(config.bandwidth ? { videoEncoding: { maxBitrate: config.bandwidth * 1000 } } : {}) },
    });
    this.devices = new DeviceControls(this.media, this.events);
    this.screen = new ScreenShare(this.room, this.events, () => this.streamId());
    const media = this.media;
    this.mediaManager = {
      bandwidth: config.bandwidth ?? 900,
      getDevices: () => this.devices.list(),
      get localStream() {
        return media.stream();
      },
    };
    this.wireRoomEvents();
    this.ready = this.initialize();
  }

  // Ant Media's methods.

  /** Joins a conference room; `joinedTheRoom` then `roomInformation`. `mode` is ignored: LiveKit is an SFU. */
  async joinRoom(roomName: string, streamId?: string, _mode?: string): Promise<void> {
    this.joinedRoom = roomName;
    this.roomName = roomName;
    try {
      await this.ready;
      await this.connect(roomName, streamId || `anon-${randomId()}`, !this.isPlayMode);
      this.events.emit("joinedTheRoom", this.roomInformation());
      this.events.emit("roomInformation", this.roomInformation());
    } catch (error) {
      this.events.error(classify(error, ERROR_CODES.connectionFailed), "joinRoom");
    }
  }

  /**
   * Publishes the camera and microphone as `streamId`: the LiveKit identity,
   * and the room too unless joinRoom() named one. `publish_started` once
   * LiveKit has them. The token arguments are Ant Media's and are ignored:
   * StreamHub's token carries the grants.
   */
  async publish(streamId: string, _token?: string, _subscriberId?: string, _subscriberCode?: string, _streamName?: string, _mainTrack?: string, _metaData?: string): Promise<void> {
    if (!streamId) return this.events.error(new AdaptorError(ERROR_CODES.noStreamNameSpecified, "publish() needs a stream id"), "publish");
    this.publishStreamId = streamId;
    try {
      await this.ready;
      await this.connect(this.joinedRoom ?? streamId, streamId, true);
      const tracks = await this.media.capture();
      for (const track of tracks) {
        if (!this.isPublished(track)) await this.room.localParticipant.publishTrack(track, { source: track.source });
      }
      this.refreshPeerShim();
      if (!this.publishing) {
        this.publishing = true;
        this.events.emit("publish_started", { streamId });
      }
    } catch (error) {
      this.events.error(classify(error, ERROR_CODES.publishFailed), "publish");
    }
  }

  /**
   * Plays `streamId`: the participant of that identity, or everyone in the
   * room when it names the room (the room is `roomId`, the joined room, or
   * `streamId`). `play_started` when its media arrives, `play_finished` when
   * it ends (see playback.ts).
   */
  async play(streamId: string, _token?: string, roomId?: string, _enableTracks?: unknown, _subscriberId?: string, _subscriberCode?: string, _metaData?: string): Promise<void> {
    if (!streamId) return this.events.error(new AdaptorError(ERROR_CODES.noStreamNameSpecified, "play() needs a stream id"), "play");
    const wasConnected = this.room.state === ConnectionState.Connected;
    this.playback.add(streamId);
    this.quality?.requested(streamId);
    try {
      await this.ready;
      await this.connect(roomId || this.joinedRoom || streamId, `viewer-${randomId()}`, !this.isPlayMode);
      // Tracks that arrived before this play() (after a joinRoom) are announced again for it, as the original did.
      if (wasConnected) {
        for (const participant of this.room.remoteParticipants.values()) {
          if (!this.playback.matches(streamId, participant.identity)) continue;
          for (const publication of participant.trackPublications.values()) if (publication.track) this.announce(publication.track, participant);
        }
      }
    } catch (error) {
      this.playback.remove(streamId);
      this.events.error(classify(error, ERROR_CODES.playFailed), "play");
    }
  }

  /**
   * Stops publishing and/or playing `streamId` (everything when omitted):
   * `publish_finished`, `play_finished`. The connection closes when nothing
   * is left; the camera stays open for the preview (closeStream() releases it).
   */
  async stop(streamId?: string): Promise<void> {
    if (this.publishing && (streamId === undefined || streamId === this.publishStreamId || this.namesRoom(streamId))) {
      this.publishing = false;
      await this.unpublishAll();
      this.events.emit("publish_finished", { streamId: this.publishStreamId });
    }
    this.playback.remove(streamId);
    if (!this.publishing && this.playback.streamIds.length === 0) await this.disconnect();
  }

  /** Leaves the room: what was published or played finishes, then `leavedFromRoom`. */
  async leaveFromRoom(roomName?: string): Promise<void> {
    const left = roomName ?? this.roomName;
    await this.stop();
    this.joinedRoom = null;
    this.events.emit("leavedFromRoom", { ATTR_ROOM_NAME: left });
  }

  /** Sends a message to everyone in the room (reliable), received there as `data_received`. */
  async sendData(_streamId: string, data: string | ArrayBuffer | Uint8Array | object): Promise<void> {
    if (this.room.state !== ConnectionState.Connected) {
      return this.events.error(new AdaptorError(ERROR_CODES.dataChannelNotOpen, "sendData() before the connection is up (publish, play or joinRoom first)"), "sendData");
    }
    let payload: Uint8Array<ArrayBuffer>;
    if (data instanceof Uint8Array) payload = new Uint8Array(data);
    else if (data instanceof ArrayBuffer) payload = new Uint8Array(data);
    else payload = new TextEncoder().encode(typeof data === "string" ? data : JSON.stringify(data));
    try {
      await this.room.localParticipant.publishData(payload, { reliable: true });
    } catch (error) {
      this.events.error(classify(error, ERROR_CODES.dataChannelNotOpen), "sendData");
    }
  }

  /** Stops the camera (its light goes off); viewers see the track muted. */
  turnOffLocalCamera(_streamId?: string): Promise<void> {
    return this.devices.cameraOff();
  }

  turnOnLocalCamera(_streamId?: string): Promise<void> {
    return this.devices.cameraOn();
  }

  muteLocalMic(): Promise<void> {
    return this.devices.micOff();
  }

  unmuteLocalMic(): Promise<void> {
    return this.devices.micOn();
  }

  /** Switches to another camera; without a device id, to the camera facing the other way. Ends a screen share, as Ant Media's does. */
  async switchVideoCameraCapture(_streamId: string, deviceId?: string): Promise<void> {
    await this.screen.stop();
    await this.devices.switchCamera(deviceId);
  }

  /** Ant Media's: restarts the camera facing `user` or `environment`. */
  switchVideoCameraFacingMode(_streamId: string, facingMode: "user" | "environment"): Promise<void> {
    return this.devices.facing(facingMode);
  }

  switchAudioInputSource(_streamId: string, deviceId: string): Promise<void> {
    return this.devices.switchMicrophone(deviceId);
  }

  /** Shares the screen beside the camera: `screen_share_started`, later `screen_share_stopped` (see screen-share.ts). */
  switchDesktopCapture(_streamId?: string): Promise<void> {
    return this.screen.start();
  }

  stopDesktopCapture(_streamId?: string): Promise<void> {
    return this.screen.stop();
  }

  /**
   * The statistics of `streamId` (everything when omitted), sent and
   * received: bytes, bitrates, packets lost, frames encoded and decoded,
   * resolution, frame rate (see stats.ts). Also reported as `updated_stats`.
   */
  async getStats(streamId?: string): Promise<AdaptorStats> {
    const stats = await this.stats.sample(this.room, {
      streamId: streamId ?? this.publishStreamId ?? null,
      local: streamId === undefined || streamId === this.publishStreamId || this.namesRoom(streamId),
      remote: (identity) => streamId === undefined || this.playback.matches(streamId, identity),
    });
    this.events.emit("updated_stats", stats);
    return stats;
  }

  /** `updated_stats` every `periodMs` (2 s by default) until disableStats(). */
  enableStats(streamId?: string, periodMs = STATS_PERIOD_MS): void {
    if (this.statsTimer) return;
    this.statsTimer = setInterval(() => void this.getStats(streamId).catch(() => undefined), periodMs);
  }

  disableStats(_streamId?: string): void {
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = null;
  }

  /** Emits `roomInformation`. */
  getRoomInfo(roomName?: string, _streamId?: string): void {
    if (roomName && this.room.state !== ConnectionState.Connected) this.roomName = roomName;
    this.events.emit("roomInformation", this.roomInformation());
  }

  /** Emits `debugInfo`: `{ debugInfo: JSON }` of the connection's state. */
  getDebugInfo(_streamId?: string): void {
    const info = {
      connectionState: this.room.state,
      room: this.room.name,
      identity: this.room.localParticipant.identity,
      participants: this.room.numParticipants,
      localTracks: this.room.localParticipant.trackPublications.size,
      publishing: this.publishing,
      playing: this.playback.streamIds,
    };
    this.events.emit("debugInfo", { debugInfo: JSON.stringify(info) });
  }

  /** The connection's state in ICE's words. */
  iceConnectionState(_streamId?: string): string {
    return iceStateOf(this.room.state);
  }

  /** Closes the connection: what was published or played finishes, then `closed`. */
  closeWebSocket(): void {
    void this.disconnect();
  }

  /** Releases the camera and microphone (Ant Media's closeStream). */
  closeStream(): void {
    this.devices.stopMeter();
    this.media.close();
  }

  /** Applies constraints to the camera's track as it runs. */
  applyConstraints(constraints: MediaTrackConstraints): Promise<void> {
    return this.devices.applyConstraints(constraints);
  }

  /** Turns the video of a remote stream on or off. LiveKit has no track slots, so `videoTrackId` is not needed. */
  assignVideoTrack(_videoTrackId: string, streamId: string, enabled: boolean): void {
    const participant = this.room.remoteParticipants.get(streamId);
    for (const publication of participant?.trackPublications.values() ?? []) {
      if (publication.kind === Track.Kind.Video) publication.setEnabled(enabled);
    }
  }

  /** Calls `levelCallback(level)` (0–1) every `periodMs` (200 ms by default) with the microphone's level. */
  enableAudioLevelForLocalStream(levelCallback?: (level: number) => void, periodMs?: number): void {
    this.devices.startMeter(levelCallback, periodMs);
  }

  disableAudioLevelForLocalStream(): void {
    this.devices.stopMeter();
  }

  /** No-op: LiveKit forwards what is subscribed. */
  setMaxVideoTrackCount(_count: number): void {}

  /** No-op: the level is measured on demand. */
  updateAudioLevel(): void {}

  /** No-op: virtual backgrounds need @livekit/track-processors, which is not bundled. */
  enableEffect(_effectName?: string): Promise<void> {
    return Promise.resolve();
  }

  /** No-op, as enableEffect. */
  setBackgroundImage(_url?: string): void {}

  // Beyond Ant Media's callback.

  /**
   * `addEventListener(fn)` (Ant Media's form): fn(info, obj) for every event.
   * `addEventListener("play_finished", fn)`: fn(obj, info) for that event only.
   */
  addEventListener(listener: AntMediaCallback): void;
  addEventListener(info: string, listener: NamedListener): void;
  addEventListener(nameOrListener: string | AntMediaCallback, listener?: NamedListener): void {
    this.events.addEventListener(nameOrListener, listener);
  }

  removeEventListener(listener: AntMediaCallback): void;
  removeEventListener(info: string, listener: NamedListener): void;
  removeEventListener(nameOrListener: string | AntMediaCallback, listener?: NamedListener): void {
    this.events.removeEventListener(nameOrListener, listener);
  }

  /** fn(code, message, detail) for every error, beside callbackError. */
  addErrorEventListener(listener: AntMediaErrorCallback): void {
    this.events.addErrorEventListener(listener);
  }

  removeErrorEventListener(listener: AntMediaErrorCallback): void {
    this.events.removeErrorEventListener(listener);
  }

  // Inside.

  /** Opens the camera and microphone of a publishing adaptor (its preview), reports the devices, then `initialized`. */
  private async initialize(): Promise<void> {
    // Even with nothing to open, the constructor returns before `initialized`.
    await null;
    if (!this.isPlayMode && (this.media.wantsVideo || this.media.wantsAudio)) {
      // A refusal is reported; the page is still initialized (it may play, or publish after a retry).
      await this.media.capture().catch((error: unknown) => this.events.error(classify(error, ERROR_CODES.publishFailed), "initialize"));
    }
    await this.devices.list();
    this.events.emit("initialized");
  }

  /** Connects once (callers meanwhile share the attempt): credentials from StreamHub, then LiveKit. */
  private connect(room: string, identity: string, canPublish: boolean): Promise<void> {
    if (this.room.state === ConnectionState.Connected) return Promise.resolve();
    if (!this.connecting) {
      this.requestedRoom = room;
      this.roomName = room;
      this.connecting = (async () => {
        const credentials = await resolveCredentials(this.config, { room, identity, canPublish });
        await this.room.connect(credentials.wsUrl, credentials.token, { autoSubscribe: true });
        this.roomName = this.room.name || credentials.room || room;
        this.stats.reset(Date.now());
        if (this.dataChannelEnabled) this.events.emit("data_channel_opened", { streamId: this.streamId() });
      })().finally(() => {
        this.connecting = null;
      });
    }
    return this.connecting;
  }

  private async disconnect(): Promise<void> {
    this.disableStats();
    await this.screen.stop();
    // Local tracks stay open: the preview goes on, and a later publish() reuses them.
    if (this.room.state !== ConnectionState.Disconnected) await this.room.disconnect(false);
  }

  private async unpublishAll(): Promise<void> {
    await this.screen.stop();
    for (const track of this.media.tracks()) {
      if (this.isPublished(track)) await this.room.localParticipant.unpublishTrack(track, false);
    }
  }

  private wireRoomEvents(): void {
    const room = this.room;
    // The original reported session_restored on every connection, not only after a reconnection.
    room.on(RoomEvent.Connected, () => this.events.emit("session_restored", { streamId: this.streamId() }));
    room.on(RoomEvent.Reconnecting, () => {
      this.events.emit("reconnecting", { streamId: this.streamId() });
      // Ant Media's names for the same moment.
      if (this.publishing) this.events.emit("reconnection_attempt_for_publisher", this.publishStreamId);
      for (const streamId of this.playback.streamIds) this.events.emit("reconnection_attempt_for_player", streamId);
    });
    room.on(RoomEvent.Reconnected, () => {
      this.events.emit("reconnected", { streamId: this.streamId() });
      this.events.emit("session_restored", { streamId: this.streamId() });
    });
    room.on(RoomEvent.Disconnected, (reason) => this.disconnected(reason));
    room.on(RoomEvent.ConnectionStateChanged, (state) => this.events.emit("ice_connection_state_changed", { state: iceStateOf(state), streamId: this.streamId() }));
    room.on(RoomEvent.TrackSubscribed, (track, _publication, participant) => {
      this.announce(track, participant);
      this.playback.trackSubscribed(track, participant);
    });
    room.on(RoomEvent.TrackUnsubscribed, (track, _publication, participant) => {
      this.playback.trackUnsubscribed(track, participant);
      this.events.emit("roomInformation", this.roomInformation());
    });
    room.on(RoomEvent.ParticipantConnected, () => this.events.emit("roomInformation", this.roomInformation()));
    room.on(RoomEvent.ParticipantDisconnected, (participant) => {
      this.playback.participantLeft(participant);
      this.events.emit("roomInformation", this.roomInformation());
    });
    room.on(RoomEvent.TrackPublished, () => this.events.emit("roomInformation", this.roomInformation()));
    room.on(RoomEvent.DataReceived, (payload, participant, _kind, topic) => {
      const data = new TextDecoder().decode(payload);
      this.events.emit("data_received", { streamId: participant?.identity ?? null, data, topic, event: { data } });
    });
    room.on(RoomEvent.MediaDevicesChanged, () => void this.devices.list());
    room.on(RoomEvent.LocalTrackPublished, () => this.refreshPeerShim());
    room.on(RoomEvent.LocalTrackUnpublished, (publication) => {
      this.refreshPeerShim();
      // The browser's own "stop sharing" ends the track, and LiveKit unpublishes it.
      if (publication.source === Track.Source.ScreenShare) this.screen.ended();
    });
  }

  /** The connection ended, asked for or not (a kick, a failed reconnection): finish what was going on. */
  private disconnected(reason: DisconnectReason | undefined): void {
    const streamId = this.streamId();
    this.disableStats();
    this.screen.ended();
    if (this.publishing) {
      this.publishing = false;
      this.events.emit("publish_finished", { streamId: this.publishStreamId });
    }
    this.playback.disconnected();
    this.playback.remove();
    if (this.dataChannelEnabled) this.events.emit("data_channel_closed", { streamId });
    this.events.emit("closed", { reason: reason ?? DisconnectReason.UNKNOWN_REASON });
  }

  /** newStreamAvailable, and Ant Media's newer name newTrackAvailable, with what pages attach. */
  private announce(track: RemoteTrack, participant: RemoteParticipant): void {
    const mediaTrack = track.mediaStreamTrack;
    const obj = {
      streamId: participant.identity,
      track: mediaTrack,
      // Ant Media's track ids are a 7-character prefix and the stream id; pages cut the prefix off.
      trackId: `ARDAMSx${participant.identity}`,
      stream: new MediaStream([mediaTrack]),
      streamName: participant.name || participant.identity,
      kind: track.kind,
    };
    this.events.emit("newTrackAvailable", obj);
    this.events.emit("newStreamAvailable", obj);
  }

  private roomInformation(): RoomInformation {
    const streams = [...this.room.remoteParticipants.values()].map((participant) => participant.identity);
    return {
      ATTR_ROOM_NAME: this.room.name || this.roomName,
      streamId: this.room.localParticipant.identity || this.publishStreamId,
      streams,
      streamList: streams,
      maxTrackCount: streams.length,
    };
  }

  /** The stream a connection-wide event is about: the published one, else the first played. */
  private streamId(): string | null {
    return this.publishStreamId ?? this.playback.streamIds[0] ?? null;
  }

  private namesRoom(streamId: string): boolean {
    return streamId === this.requestedRoom || (this.room.name !== "" && streamId === this.room.name);
  }

  private isPublished(track: LocalTrack): boolean {
    for (const publication of this.room.localParticipant.trackPublications.values()) if (publication.track === track) return true;
    return false;
  }

  private refreshPeerShim(): void {
    if (!this.publishStreamId) return;
    const room = this.room;
    this.remotePeerConnection[this.publishStreamId] = {
      getSenders: () => [...room.localParticipant.trackPublications.values()].flatMap((publication) => publication.track?.sender ?? []),
      getReceivers: () => [...room.remoteParticipants.values()].flatMap((participant) => [...participant.trackPublications.values()].flatMap((publication) => publication.track?.receiver ?? [])),
    };
  }
}

function videoElementById(id: string | null | undefined): HTMLVideoElement | null {
  return id ? (document.getElementById(id) as HTMLVideoElement | null) : null;
}

function iceStateOf(state: ConnectionState): string {
  switch (state) {
    case ConnectionState.Connected:
      return "connected";
    case ConnectionState.Connecting:
      return "checking";
    case ConnectionState.Reconnecting:
    case ConnectionState.SignalReconnecting:
      return "disconnected";
    case ConnectionState.Disconnected:
      return "closed";
    default:
      return "new";
  }
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
