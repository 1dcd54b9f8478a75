// core/livekit-api.ts against livekit-server-sdk, the reference it replaces in
// the Worker: for the same call, the same path, the same JSON body and a token
// with the same issuer and grant. A loopback server records both requests and
// answers each as LiveKit would (camelCase or proto names, enums by name,
// 64-bit numbers as strings), so the answers are read the same way too.
import { createServer, type IncomingMessage, type Server } from "node:http";
import { jwtVerify } from "jose";
import type { AddressInfo } from "node:net";
import { EgressClient, EncodedFileOutput, EncodedFileType, EncodingOptionsPreset, IngressClient, IngressInput, RoomServiceClient, S3Upload, SegmentedFileOutput, SegmentedFileProtocol } from "livekit-server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveKitApi, twirpUrl, TwirpError } from "./livekit-api.ts";

const KEY = "APIparity";
const SECRET = "parity-secret-0123456789abcdef0123456789";

type Recorded = { path: string; body: unknown; claims: Record<string, unknown> };
let server: Server;
let url: string;
const recorded: Recorded[] = [];
/** What the next request is answered with. */
let answer: { status: number; body: string; type?: string } = { status: 200, body: "{}" };

/** The claims of a call's token, which must verify with the secret and live at most the SDK's 10 minutes. */
async function claimsOf(authorization: string): Promise<Record<string, unknown>> {
  const { payload } = await jwtVerify(authorization.replace(/^Bearer /, ""), new TextEncoder().encode(SECRET), { issuer: KEY, algorithms: ["HS256"], requiredClaims: ["exp", "nbf"] });
  if (payload.exp! - payload.nbf! > 600 || payload.nbf! > Date.now() / 1000 + 1) throw new Error(`token lives too long: ${JSON.stringify(payload)}`);
  return payload;
}

const readBody = (req: IncomingMessage) => new Promise<string>((resolve) => {
  let text = "";
  req.on("data", (chunk) => (text += chunk));
  req.on("end", () => resolve(text));
});

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await readBody(req);
    recorded.push({ path: req.url!, body: JSON.parse(body), claims: await claimsOf(req.headers.authorization ?? "").catch((error: Error) => ({ refused: error.message })) });
    res.writeHead(answer.status, { "Content-Type": answer.type ?? "application/json" });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/**
 * The enums whose zero value the calls use: protobuf's JSON leaves a zero value
 * out, ours names it; to LiveKit both mean the same. Filled into the SDK's
 * request where it is left out (never taken out of ours).
 */
const ENUM_ZEROS: Record<string, Record<string, string>> = { "/twirp/livekit.Ingress/CreateIngress": { inputType: "RTMP_INPUT" }, "/twirp/livekit.Egress/StartRoomCompositeEgress": { preset: "H264_720P_30" }, "/twirp/livekit.Egress/StartParticipantEgress": { preset: "H264_720P_30" } };

/** The request the SDK makes and the one ours makes for the same call, with the token's issuer and grant. */
async function both(sdkCall: () => Promise<unknown>, ourCall: () => Promise<unknown>) {
  recorded.length = 0;
  await sdkCall();
  await ourCall();
  expect(recorded).toHaveLength(2);
  const [sdk, ours] = recorded.map((r) => ({ path: r.path, body: r.body as object, claims: r.claims }));
  return {
    sdk: { path: sdk!.path, body: { ...ENUM_ZEROS[sdk!.path], ...sdk!.body }, iss: sdk!.claims.iss, video: sdk!.claims.video },
    ours: { path: ours!.path, body: ours!.body, iss: ours!.claims.iss, video: ours!.claims.video },
  };
}

const s3 = { accessKey: "AKIA", secret: "s3-secret", region: "eu-west-1", endpoint: "https://s3.example.com", bucket: "vods", forcePathStyle: true };

describe("core/livekit-api.ts, request for request against livekit-server-sdk", () => {
  const ours = () => liveKitApi({ url: url.replace(/^http/, "ws"), apiKey: KEY, apiSecret: SECRET });
  const rooms = () => new RoomServiceClient(url, KEY, SECRET);
  const egress = () => new EgressClient(url, KEY, SECRET);
  const ingress = () => new IngressClient(url, KEY, SECRET);

  it("sends the RoomService calls as the SDK does", async () => {
    answer = { status: 200, body: "{}" };
    for (const [sdk, mine] of [
      [() => rooms().listRooms(), () => ours().rooms.listRooms()],
      [() => rooms().listRooms(["a-1", "a-2"]), () => ours().rooms.listRooms(["a-1", "a-2"])],
      [() => rooms().listParticipants("a-1"), () => ours().rooms.listParticipants("a-1")],
      [() => rooms().removeParticipant("a-1", "host"), () => ours().rooms.removeParticipant("a-1", "host")],
      [() => rooms().deleteRoom("a-1"), () => ours().rooms.deleteRoom("a-1")],
    ] as const) {
      const { sdk: expected, ours: actual } = await both(sdk, mine);
      expect(actual).toEqual(expected);
    }
  });

  it("sends the egress calls (an MP4 to S3, HLS segments to S3) as the SDK does", async () => {
    answer = { status: 200, body: JSON.stringify({ egressId: "EG_1", status: "EGRESS_STARTING" }) };
    const sdkFile = new EncodedFileOutput({ fileType: EncodedFileType.MP4, filepath: "vods/a-1/v.mp4", output: { case: "s3", value: new S3Upload(s3) } });
    const sdkSegments = new SegmentedFileOutput({ protocol: SegmentedFileProtocol.HLS_PROTOCOL, filenamePrefix: "hls/a-1/seg", playlistName: "index.m3u8", segmentDuration: 2, output: { case: "s3", value: new S3Upload(s3) } });
    const file = { fileType: "MP4" as const, filepath: "vods/a-1/v.mp4", s3 };
    const segments = { protocol: "HLS_PROTOCOL" as const, filenamePrefix: "hls/a-1/seg", playlistName: "index.m3u8", segmentDuration: 2, s3 };
    const preset = EncodingOptionsPreset.H264_720P_30;
    for (const [sdk, mine] of [
      [() => egress().startRoomCompositeEgress("a-1", { file: sdkFile }, { layout: "grid", encodingOptions: preset }), () => ours().egress.startRoomCompositeEgress("a-1", { file }, { layout: "grid", preset: "H264_720P_30" })],
      [() => egress().startRoomCompositeEgress("a-1", { segments: sdkSegments }, { encodingOptions: preset }), () => ours().egress.startRoomCompositeEgress("a-1", { segments }, { preset: "H264_720P_30" })],
      [() => egress().startParticipantEgress("a-1", "host", { file: sdkFile }, { encodingOptions: preset }), () => ours().egress.startParticipantEgress("a-1", "host", { file }, { preset: "H264_720P_30" })],
      [() => egress().stopEgress("EG_1"), () => ours().egress.stopEgress("EG_1")],
    ] as const) {
      const { sdk: expected, ours: actual } = await both(sdk, mine);
      expect(actual).toEqual(expected);
    }
  });

  it("sends the ingress calls as the SDK does", async () => {
    answer = { status: 200, body: JSON.stringify({ ingressId: "IN_1" }) };
    const options = { name: "cam", roomName: "a-1", participantIdentity: "cam-1", participantName: "Cam", enableTranscoding: true };
    for (const [sdk, mine] of [
      [() => ingress().createIngress(IngressInput.RTMP_INPUT, options), () => ours().ingress.createIngress({ inputType: "RTMP_INPUT", ...options })],
      [() => ingress().createIngress(IngressInput.WHIP_INPUT, { ...options, enableTranscoding: false }), () => ours().ingress.createIngress({ inputType: "WHIP_INPUT", ...options, enableTranscoding: false })],
      [() => ingress().createIngress(IngressInput.URL_INPUT, { ...options, url: "https://cdn.example.com/live.m3u8" }), () => ours().ingress.createIngress({ inputType: "URL_INPUT", ...options, url: "https://cdn.example.com/live.m3u8" })],
      [() => ingress().deleteIngress("IN_1"), () => ours().ingress.deleteIngress("IN_1")],
    ] as const) {
      const { sdk: expected, ours: actual } = await both(sdk, mine);
      expect(actual).toEqual(expected);
    }
  });

  it("reads answers in either JSON spelling, with the defaults protobuf's JSON leaves out", async () => {
    answer = {
      status: 200,
      body: JSON.stringify({
        participants: [
          { sid: "PA_1", identity: "host", tracks: [{ sid: "TR_1" }, { sid: "TR_2" }], joined_at: "1764460000" },
          { sid: "PA_2", identity: "qc", kind: "EGRESS", permission: { hidden: true }, attributes: { "streamhub.viewer": "public", my_key: "v" } },
          { sid: "PA_3", identity: "cam", kind: 1 },
        ],
      }),
    };
    expect(await ours().rooms.listParticipants("a-1")).toEqual([
      { sid: "PA_1", identity: "host", name: "", kind: "STANDARD", hidden: false, attributes: {}, tracks: 2 },
      // Attribute names are the participant's own: not respelled.
      { sid: "PA_2", identity: "qc", name: "", kind: "EGRESS", hidden: true, attributes: { "streamhub.viewer": "public", my_key: "v" }, tracks: 0 },
      { sid: "PA_3", identity: "cam", name: "", kind: "INGRESS", hidden: false, attributes: {}, tracks: 0 },
    ]);
    answer = { status: 200, body: JSON.stringify({ rooms: [{ sid: "RM_1", name: "a-1", num_participants: 3 }, { sid: "RM_2", name: "a-2", numParticipants: 1 }, { sid: "RM_3", name: "a-3" }] }) };
    expect(await ours().rooms.listRooms()).toEqual([
      { sid: "RM_1", name: "a-1", numParticipants: 3 },
      { sid: "RM_2", name: "a-2", numParticipants: 1 },
      { sid: "RM_3", name: "a-3", numParticipants: 0 },
    ]);
    const ingress = { inputType: "RTMP_INPUT" as const, name: "cam", roomName: "a-1", participantIdentity: "cam-1", participantName: "Cam", enableTranscoding: true };
    answer = { status: 200, body: JSON.stringify({ ingress_id: "IN_9", name: "cam", url: "rtmp://lk/x", stream_key: "sk" }) };
    expect(await ours().ingress.createIngress(ingress)).toEqual({ ingressId: "IN_9", name: "cam", url: "rtmp://lk/x", streamKey: "sk" });
    answer = { status: 200, body: JSON.stringify({ egress_id: "EG_9", status: 1 }) };
    expect(await ours().egress.startParticipantEgress("a-1", "host", { file: { fileType: "MP4", filepath: "v.mp4", s3 } }, { preset: "H264_720P_30" })).toEqual({ egressId: "EG_9", status: "EGRESS_ACTIVE" });
    // An answer without the id StreamHub must keep (to stop or delete it later) is no answer.
    answer = { status: 200, body: "{}" };
    expect(await ours().ingress.createIngress(ingress).catch((e: unknown) => e)).toMatchObject({ name: "TwirpError", status: 502, message: "LiveKit's answer has no ingressId" });
  });

  it("turns LiveKit's Twirp errors into a TwirpError with its status, code and message", async () => {
    answer = { status: 404, body: JSON.stringify({ code: "not_found", msg: "ingress does not exist", meta: { id: "IN_0" } }) };
    const error = await ours().ingress.deleteIngress("IN_0").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwirpError);
    expect(error).toMatchObject({ status: 404, code: "not_found", message: "ingress does not exist", meta: { id: "IN_0" } });

    // Something in front of LiveKit that answers with a page, not Twirp's JSON.
    answer = { status: 502, body: "<html>Bad Gateway</html>", type: "text/html" };
    expect(await ours().rooms.listRooms().catch((e: unknown) => e)).toMatchObject({ name: "TwirpError", status: 502, code: null });
    // A 200 that is not JSON is no answer either.
    answer = { status: 200, body: "not json", type: "text/plain" };
    expect(await ours().rooms.listRooms().catch((e: unknown) => e)).toMatchObject({ name: "TwirpError", status: 502, code: null });
  });

  it("leaves a failure to reach LiveKit as it came (not a TwirpError: classifyLiveKitError calls it unreachable)", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await liveKitApi({ url: `ws://127.0.0.1:${port}`, apiKey: KEY, apiSecret: SECRET }).rooms.listRooms().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(TwirpError);
  });

  it("calls LiveKit under the path of its URL, without the URL's query or fragment", () => {
    expect(twirpUrl("wss://lk.example.com", "RoomService", "ListRooms")).toBe("https://lk.example.com/twirp/livekit.RoomService/ListRooms");
    expect(twirpUrl("ws://127.0.0.1:7880/", "Egress", "StopEgress")).toBe("http://127.0.0.1:7880/twirp/livekit.Egress/StopEgress");
    expect(twirpUrl("https://proxy.example.com/livekit/?region=eu#x", "Ingress", "CreateIngress")).toBe("https://proxy.example.com/livekit/twirp/livekit.Ingress/CreateIngress");
  });
});
