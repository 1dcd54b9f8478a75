import { EgressInfo, EgressStatus, FileInfo, IngressInfo, IngressInput, IngressState, IngressState_Status, InputAudioState, InputVideoState, ParticipantInfo, ParticipantInfo_Kind, ParticipantPermission, Room, TrackInfo, TrackSource, TrackType, WebhookEvent } from "@livekit/protocol";
import { describe, expect, it } from "vitest";
import { AccessToken, TokenVerifier } from "livekit-server-sdk";
import { classifyLiveKitError, liveKitEventFromJson, livekitClients, liveKitGone, mintAccessToken, tokenGrant } from "./livekit.ts";
import { signLiveKitJwt, TwirpError } from "./livekit-api.ts";
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

describe("LiveKit tokens presented to StreamHub (HLS with a play token)", () => {
  const keys = { url: "ws://127.0.0.1:7880", apiKey: "APItest", apiSecret: "a-livekit-secret-of-at-least-32-characters" };
  const sdkToken = (secret: string, grant: Record<string, unknown>, options: { ttl?: number; issuer?: string } = {}) => {
    const token = new AccessToken(options.issuer ?? keys.apiKey, secret, { identity: "viewer", ttl: options.ttl ?? 600 });
    token.addGrant(grant);
    return token.toJwt();
  };

  it("gives the grant of a token signed with this node's keys, whoever minted it", async () => {
    expect(await tokenGrant(keys, await sdkToken(keys.apiSecret, { roomJoin: true, room: "demo-show", canSubscribe: true }))).toMatchObject({ roomJoin: true, room: "demo-show", canSubscribe: true });
    const lk = livekitClients(parseConfig({ LIVEKIT_API_KEY: keys.apiKey, LIVEKIT_API_SECRET: keys.apiSecret, STREAMHUB_SECRET_KEY: "k".repeat(40), STREAMHUB_JWT_SECRET: "j".repeat(40) }))!;
    const ours = await mintAccessToken(lk, { identity: "v", ttlSeconds: 60, grant: { roomJoin: true, room: "demo-show" } });
    expect(await tokenGrant(keys, ours)).toMatchObject({ roomJoin: true, room: "demo-show" });
  });

  it("gives nothing for another secret, another issuer, an expired token, a token with no expiry or one that is not a JWT", async () => {
    expect(await tokenGrant(keys, await sdkToken("another-secret-of-at-least-32-characters-x", { roomJoin: true }))).toBeNull();
    expect(await tokenGrant(keys, await sdkToken(keys.apiSecret, { roomJoin: true }, { issuer: "APIother" }))).toBeNull();
    // Expired by more than the 10 s of clock tolerance.
    expect(await tokenGrant(keys, await sdkToken(keys.apiSecret, { roomJoin: true }, { ttl: -60 }))).toBeNull();
    // Signed with the right key, but valid forever.
    expect(await tokenGrant(keys, await signLiveKitJwt(keys, { iss: keys.apiKey, video: { roomJoin: true } }))).toBeNull();
    expect(await tokenGrant(keys, await signLiveKitJwt(keys, { iss: keys.apiKey, exp: Math.floor(Date.now() / 1000) + 60, video: { roomJoin: true } }))).toEqual({ roomJoin: true });
    expect(await tokenGrant(keys, "not-a-jwt")).toBeNull();
  });
});

describe("what a failed LiveKit call means", () => {
  it("is the caller's to fix for a Twirp 4xx, the operator's for 401, 403 and 5xx, and unreachable when nothing answered", () => {
    expect(classifyLiveKitError(new TwirpError(400, "invalid_argument", "bad room name"))).toEqual({ kind: "rejected", status: 400, code: "invalid_argument", reason: "bad room name" });
    expect(classifyLiveKitError(new TwirpError(401, "unauthenticated", "invalid token"))).toMatchObject({ kind: "failed", status: 401 });
    expect(classifyLiveKitError(new TwirpError(403, "permission_denied", "needs another grant"))).toMatchObject({ kind: "failed", status: 403 });
    expect(classifyLiveKitError(new TwirpError(503, "unavailable", "no egress"))).toMatchObject({ kind: "failed", status: 503 });
    expect(classifyLiveKitError(new TypeError("fetch failed"))).toMatchObject({ kind: "unreachable" });
    // Something shaped like an error with a status is not taken for LiveKit's answer.
    expect(classifyLiveKitError(Object.assign(new Error("x"), { status: 404, code: "not_found" }))).toMatchObject({ kind: "unreachable" });
  });

  it("is 'gone' for a 404, and for a 412 only when stopping an egress", () => {
    expect(liveKitGone(new TwirpError(404, "not_found", "no such ingress"))).toBe(true);
    expect(liveKitGone(new TwirpError(412, "failed_precondition", "egress already ended"))).toBe(false);
    expect(liveKitGone(new TwirpError(412, "failed_precondition", "egress already ended"), { stoppedEgress: true })).toBe(true);
    expect(liveKitGone(new TwirpError(500, "internal", "boom"), { stoppedEgress: true })).toBe(false);
    expect(liveKitGone(new TypeError("fetch failed"))).toBe(false);
  });
});
