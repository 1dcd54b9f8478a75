// getStats() and updated_stats: one object summing what the browser's
// RTCStatsReports say about the tracks of a stream, sent and received, under
// the names Ant Media's PeerStats gives them (which pages read). Bitrates are
// computed against the previous sample (the first one against the moment the
// adaptor connected), so polling gives the current rate.
import type { Room } from "livekit-client";
import type { AdaptorStats, InboundTrackStats } from "./types.ts";

/** Which tracks one sample covers. */
export interface StatsScope {
  streamId: string | null;
  /** Include the published tracks. */
  local: boolean;
  /** Include this remote participant's tracks. */
  remote: (identity: string) => boolean;
}

interface Sample {
  at: number;
  sent: number;
  received: number;
}

export class StatsSampler {
  /** The last sample of each scope (stream id), so that polling two streams keeps two rates. */
  private readonly previous = new Map<string, Sample>();
  private connectedAt = Date.now();

  /** A new connection starts counting from zero. */
  reset(connectedAt: number): void {
    this.previous.clear();
    this.connectedAt = connectedAt;
  }

  async sample(room: Room, scope: StatsScope): Promise<AdaptorStats> {
    const stats = emptyStats(scope.streamId);
    let sentWidth = 0;
    let sentHeight = 0;
    let sentFps = 0;
    if (scope.local) {
      for (const publication of room.localParticipant.trackPublications.values()) {
        const report = await publication.track?.getRTCStatsReport();
        if (report) addOutbound(stats, report, (width, height, fps) => {
          // Simulcast sends one outbound-rtp per layer: the largest is what viewers see at best.
          if (width * height > sentWidth * sentHeight) [sentWidth, sentHeight, sentFps] = [width, height, fps];
        });
      }
    }
    for (const participant of room.remoteParticipants.values()) {
      if (!scope.remote(participant.identity)) continue;
      for (const publication of participant.trackPublications.values()) {
        const report = await publication.track?.getRTCStatsReport();
        if (report) addInbound(stats, report, participant.identity);
      }
    }
    const firstVideo = stats.inboundRtpList.find((track) => track.kind === "video");
    if (sentWidth > 0) [stats.frameWidth, stats.frameHeight, stats.currentFPS] = [sentWidth, sentHeight, sentFps];
    else if (firstVideo) [stats.frameWidth, stats.frameHeight, stats.currentFPS] = [firstVideo.frameWidth, firstVideo.frameHeight, firstVideo.framesPerSecond];
    const lost = stats.inboundRtpList.reduce((sum, track) => sum + track.packetsLost, 0);
    const received = stats.inboundRtpList.reduce((sum, track) => sum + track.packetsReceived, 0);
    if (lost + received > 0) stats.fractionLost = lost / (lost + received);

    const now = Date.now();
    const key = scope.streamId ?? "";
    const previous = this.previous.get(key) ?? { at: this.connectedAt, sent: 0, received: 0 };
    const seconds = (now - previous.at) / 1000;
    if (seconds > 0) {
      stats.currentOutgoingBitrate = Math.max(0, Math.round(((stats.totalBytesSentCount - previous.sent) * 8) / 1000 / seconds));
      stats.currentIncomingBitrate = Math.max(0, Math.round(((stats.totalBytesReceivedCount - previous.received) * 8) / 1000 / seconds));
    }
    this.previous.set(key, { at: now, sent: stats.totalBytesSentCount, received: stats.totalBytesReceivedCount });
    stats.timestamp = now;
    return stats;
  }
}

// RTCStatsReport entries are dictionaries whose fields depend on `type`; read them loosely, numbers defaulting to 0.
type Entry = Record<string, unknown> & { type: string; kind?: string };
const num = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);

function addOutbound(stats: AdaptorStats, report: RTCStatsReport, onVideoLayer: (width: number, height: number, fps: number) => void): void {
  report.forEach((entry: Entry) => {
    if (entry.type === "outbound-rtp") {
      stats.totalBytesSentCount += num(entry.bytesSent);
      stats.totalPacketsSent += num(entry.packetsSent);
      if (entry.kind === "video") {
        stats.totalVideoPacketsSent += num(entry.packetsSent);
        stats.totalFramesEncodedCount += num(entry.framesEncoded);
        onVideoLayer(num(entry.frameWidth), num(entry.frameHeight), num(entry.framesPerSecond));
        if (typeof entry.qualityLimitationReason === "string" && entry.qualityLimitationReason !== "none") stats.qualityLimitationReason = entry.qualityLimitationReason;
      } else {
        stats.totalAudioPacketsSent += num(entry.packetsSent);
      }
    } else if (entry.type === "remote-inbound-rtp") {
      const video = entry.kind === "video";
      if (video) stats.videoPacketsLost += num(entry.packetsLost);
      else stats.audioPacketsLost += num(entry.packetsLost);
      stats[video ? "videoRoundTripTime" : "audioRoundTripTime"] = num(entry.roundTripTime) * 1000;
      stats[video ? "videoJitter" : "audioJitter"] = num(entry.jitter) * 1000;
      stats.fractionLost = Math.max(stats.fractionLost, num(entry.fractionLost));
    } else if (entry.type === "candidate-pair" && entry.nominated === true) {
      stats.availableOutgoingBitrate = Math.max(stats.availableOutgoingBitrate, Math.round(num(entry.availableOutgoingBitrate) / 1000));
    }
  });
  stats.totalBytesSent = stats.totalBytesSentCount;
}

function addInbound(stats: AdaptorStats, report: RTCStatsReport, identity: string): void {
  report.forEach((entry: Entry) => {
    if (entry.type !== "inbound-rtp") return;
    const kind = entry.kind === "video" ? "video" : "audio";
    const track: InboundTrackStats = {
      trackId: typeof entry.trackIdentifier === "string" ? entry.trackIdentifier : String(entry.id),
      kind,
      streamId: identity,
      bytesReceived: num(entry.bytesReceived),
      packetsReceived: num(entry.packetsReceived),
      packetsLost: num(entry.packetsLost),
      jitter: num(entry.jitter),
      framesReceived: num(entry.framesReceived),
      framesDecoded: num(entry.framesDecoded),
      framesDropped: num(entry.framesDropped),
      frameWidth: num(entry.frameWidth),
      frameHeight: num(entry.frameHeight),
      framesPerSecond: num(entry.framesPerSecond),
    };
    stats.inboundRtpList.push(track);
    stats.totalBytesReceivedCount += track.bytesReceived;
    stats.framesReceived += track.framesReceived;
    stats.framesDecoded += track.framesDecoded;
    stats.framesDropped += track.framesDropped;
    if (kind === "video") stats.videoPacketsLost += track.packetsLost;
    else stats.audioPacketsLost += track.packetsLost;
    // Keep the sender-side figures when both exist; otherwise what this side measured.
    if (kind === "video" && stats.videoJitter === 0) stats.videoJitter = track.jitter * 1000;
    if (kind === "audio" && stats.audioJitter === 0) stats.audioJitter = track.jitter * 1000;
  });
}

function emptyStats(streamId: string | null): AdaptorStats {
  return {
    streamId,
    timestamp: 0,
    totalBytesSentCount: 0,
    totalBytesSent: 0,
    totalVideoPacketsSent: 0,
    totalAudioPacketsSent: 0,
    totalPacketsSent: 0,
    totalFramesEncodedCount: 0,
    currentOutgoingBitrate: 0,
    availableOutgoingBitrate: 0,
    qualityLimitationReason: "none",
    totalBytesReceivedCount: 0,
    currentIncomingBitrate: 0,
    framesReceived: 0,
    framesDecoded: 0,
    framesDropped: 0,
    frameWidth: 0,
    frameHeight: 0,
    currentFPS: 0,
    videoPacketsLost: 0,
    audioPacketsLost: 0,
    fractionLost: 0,
    videoRoundTripTime: 0,
    audioRoundTripTime: 0,
    videoJitter: 0,
    audioJitter: 0,
    inboundRtpList: [],
  };
}
