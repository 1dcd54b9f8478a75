import { EgressInfo, EgressStatus, FileInfo, IngressInfo, IngressInput, IngressState, IngressState_Status, InputAudioState, InputVideoState, ParticipantInfo, ParticipantInfo_Kind, ParticipantPermission, Room, TrackInfo, TrackSource, TrackType, WebhookEvent } from "@livekit/protocol";
import { describe, expect, it } from "vitest";
import { TokenVerifier } from "livekit-server-sdk";
import { liveKitEventFromJson, livekitClients, mintAccessToken } from "./livekit.ts";
import { parseConfig } from "./config.ts";

// LiveKit posts its webhooks as protobuf's JSON mapping; read straight from the
// JSON, an event must say what the protobuf classes would have said.
const asPosted = (event: WebhookEvent) => JSON.parse(event.toJsonString());

describe("LiveKit webhook events from their JSON", () => {
  it("reads a participant's track the way LiveKit sends it", () => {
    const event = new WebhookEvent({
      event: "track_published",
      id: "EV_1",
      createdAt: 1795334400n,
      room: new Room({ name: "demo-show", sid: "RM_1" }),
      participant: new ParticipantInfo({ identity: "cam", sid: "PA_1", name: "Camera", kind: ParticipantInfo_Kind.INGRESS, permission: new ParticipantPermission({ hidden: true }) }),
      track: new TrackInfo({ sid: "TR_1", type: TrackType.VIDEO, source: TrackSource.CAMERA, muted: true }),
    });
    expect(liveKitEventFromJson(asPosted(event))).toEqual({
      id: "EV_1",
      event: "track_published",
      createdAt: 1795334400,
      room: { name: "demo-show", sid: "RM_1" },
      participant: { identity: "cam", sid: "PA_1", name: "Camera", hidden: true, uncounted: true, kind: "INGRESS" },
      track: { sid: "TR_1", type: "VIDEO", source: "CAMERA", muted: true },
      ingress: undefined,
      egress: undefined,
    });
  });

  it("tells a public play-token viewer (hidden, but counted) from a hidden QC participant by its attribute", () => {
    const joined = (attributes: Record<string, string>) =>
      liveKitEventFromJson(asPosted(new WebhookEvent({ event: "participant_joined", id: "EV_3", participant: new ParticipantInfo({ identity: "v", attributes, permission: new ParticipantPermission({ hidden: true }) }) })));
    expect(joined({ "streamhub.viewer": "public" })?.participant).toMatchObject({ hidden: true, uncounted: false });
    expect(joined({})?.participant).toMatchObject({ hidden: true, uncounted: true });
    // Only the exact value counts.
    expect(joined({ "streamhub.viewer": "yes" })?.participant).toMatchObject({ hidden: true, uncounted: true });
  });

  it("fills in the defaults protobuf's JSON leaves out", () => {
    const event = new WebhookEvent({ event: "participant_joined", id: "EV_2", room: new Room({ name: "r" }), participant: new ParticipantInfo({ identity: "a" }), track: new TrackInfo({}) });
    expect(liveKitEventFromJson(asPosted(event))).toMatchObject({
      createdAt: 0,
      participant: { identity: "a", sid: "", name: "", hidden: false, kind: "STANDARD" },
      track: { sid: "", type: "AUDIO", source: "UNKNOWN", muted: false },
    });
  });

  it("reads ingress state and an egress's file, 64-bit numbers included", () => {
    const ingress = new WebhookEvent({
      event: "ingress_started",
      id: "EV_3",
      ingressInfo: new IngressInfo({
        ingressId: "IN_1",
        inputType: IngressInput.WHIP_INPUT,
        roomName: "demo-studio",
        participantIdentity: "obs",
        state: new IngressState({ status: IngressState_Status.ENDPOINT_PUBLISHING, video: new InputVideoState({ averageBitrate: 2_400_000 }), audio: new InputAudioState({ averageBitrate: 128_000 }) }),
      }),
    });
    expect(liveKitEventFromJson(asPosted(ingress))?.ingress).toEqual({ ingressId: "IN_1", inputType: "WHIP_INPUT", roomName: "demo-studio", participantIdentity: "obs", status: "ENDPOINT_PUBLISHING", bitrateKbps: 2_528 });

    const egress = new WebhookEvent({
      event: "egress_ended",
      id: "EV_4",
      egressInfo: new EgressInfo({ egressId: "EG_1", roomName: "demo-show", status: EgressStatus.EGRESS_COMPLETE, fileResults: [new FileInfo({ filename: "a.mp4", size: 9007199254740993n, duration: 62_500_000_000n, location: "s3://b/a.mp4" })] }),
    });
    expect(liveKitEventFromJson(asPosted(egress))?.egress).toEqual({
      egressId: "EG_1",
      status: "EGRESS_COMPLETE",
      roomName: "demo-show",
      error: "",
      file: { filename: "a.mp4", sizeBytes: 9007199254740993, durationS: 62.5, location: "s3://b/a.mp4" },
    });
  });

  it("accepts protobuf's own field names as well, and refuses what is not an event", () => {
    expect(liveKitEventFromJson({ event: "ingress_ended", id: "EV_5", created_at: "7", ingress_info: { ingress_id: "IN_2", room_name: "r", participant_identity: "p", input_type: "URL_INPUT" } })).toMatchObject({
      createdAt: 7,
      ingress: { ingressId: "IN_2", roomName: "r", participantIdentity: "p", inputType: "URL_INPUT", status: "ENDPOINT_INACTIVE" },
    });
    expect(liveKitEventFromJson({ id: "x" })).toBeNull();
    expect(liveKitEventFromJson(null)).toBeNull();
  });
});

describe("LiveKit access tokens", () => {
  it("carry AccessToken's claims and verify with LiveKit's own verifier", async () => {
    const lk = livekitClients(parseConfig({ LIVEKIT_API_KEY: "APItest", LIVEKIT_API_SECRET: "a-livekit-secret-of-at-least-32-characters", STREAMHUB_SECRET_KEY: "k".repeat(40), STREAMHUB_JWT_SECRET: "j".repeat(40) }))!;
    const token = await mintAccessToken(lk, {
      identity: "host",
      name: "Host",
      metadata: '{"seat":1}',
      ttlSeconds: 600,
      grant: { roomJoin: true, room: "demo-show", canPublish: true, canSubscribe: true, canPublishSources: ["microphone"] },
    });
    const claims = await new TokenVerifier("APItest", "a-livekit-secret-of-at-least-32-characters").verify(token);
    expect(claims).toMatchObject({
      iss: "APItest",
      sub: "host",
      name: "Host",
      metadata: '{"seat":1}',
      video: { roomJoin: true, room: "demo-show", canPublish: true, canSubscribe: true, canPublishSources: ["microphone"] },
    });
    expect(claims.exp! - claims.nbf!).toBe(600);
    expect(JSON.parse(atob(token.split(".")[0]!))).toEqual({ alg: "HS256" });
    await expect(new TokenVerifier("APItest", "another-secret-of-at-least-32-characters-x").verify(token)).rejects.toThrow();
  });
});
