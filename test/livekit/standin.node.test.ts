// The stand-in must accept what LiveKit accepts and reject what LiveKit rejects,
// checked with the official server SDK on the other side.
import { IngressInput } from "@livekit/protocol";
import { AccessToken, IngressClient, RoomServiceClient, WebhookReceiver } from "livekit-server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveKitStandin } from "./standin.ts";

const KEY = "APIstandintest";
const SECRET = "standin-secret-0123456789abcdef0123456789";
let standin: LiveKitStandin;

beforeAll(async () => {
  standin = new LiveKitStandin({ apiKey: KEY, apiSecret: SECRET });
  await standin.listen();
});
afterAll(() => standin.close());

const twirp = async (route: string, body: unknown, grants: Record<string, unknown>, secret = SECRET) => {
  const token = new AccessToken(KEY, secret, { ttl: "1m" });
  token.addGrant(grants);
  return fetch(`${standin.url}/twirp/${route}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${await token.toJwt()}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
};

describe("LiveKit stand-in", () => {
  it("serves the official SDK's RoomService and Ingress calls", async () => {
    const rooms = new RoomServiceClient(standin.url, KEY, SECRET);
    const ingress = new IngressClient(standin.url, KEY, SECRET);
    await rooms.createRoom({ name: "demo-lobby" });
    expect((await rooms.listRooms()).map((r) => r.name)).toContain("demo-lobby");
    const created = await ingress.createIngress(IngressInput.RTMP_INPUT, { name: "cam", roomName: "demo-lobby", participantIdentity: "cam-1" });
    expect(created.streamKey).not.toBe("");
    expect((await ingress.listIngress({ roomName: "demo-lobby" })).map((i) => i.ingressId)).toEqual([created.ingressId]);
    await ingress.deleteIngress(created.ingressId);
    expect(await ingress.listIngress({})).toEqual([]);
  });

  it("rejects what LiveKit rejects", async () => {
    expect((await twirp("livekit.RoomService/ListRooms", {}, { roomList: true })).status).toBe(200);
    expect((await twirp("livekit.RoomService/ListRooms", {}, { roomCreate: true })).status).toBe(403);
    expect((await twirp("livekit.RoomService/ListRooms", {}, { roomList: true }, "a-different-secret-0123456789abcdef")).status).toBe(401);
    const unknownField = await twirp("livekit.RoomService/ListRooms", { noSuchField: 1 }, { roomList: true });
    expect(unknownField.status).toBe(400);
    expect(await unknownField.json()).toMatchObject({ code: "malformed" });
    expect((await twirp("livekit.RoomService/ListParticipants", { room: "a" }, { roomAdmin: true, room: "b" })).status).toBe(403);
    expect((await twirp("livekit.Ingress/CreateIngress", { inputType: "URL_INPUT", roomName: "r", url: "rtsp://cam" }, { ingressAdmin: true })).status).toBe(400);
    expect((await twirp("livekit.Nope/Nothing", {}, { roomList: true })).status).toBe(404);
    const unsigned = await fetch(`${standin.url}/twirp/livekit.RoomService/ListRooms`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(unsigned.status).toBe(401);
  });

  it("signs webhooks that LiveKit's own receiver accepts, and only those", async () => {
    const token = new AccessToken(KEY, SECRET, { identity: "alice", ttl: "1m" });
    token.addGrant({ roomJoin: true, room: "demo-hooks", canPublish: true });
    await standin.join(await token.toJwt());
    const [started, joined] = standin.takeWebhooks();
    const receiver = new WebhookReceiver(KEY, SECRET);
    const event = await receiver.receive(joined!.body, joined!.authorization);
    expect(started!.event).toBe("room_started");
    expect(event.event).toBe("participant_joined");
    expect(event.participant?.identity).toBe("alice");
    await expect(receiver.receive(joined!.body.replace("alice", "mallory"), joined!.authorization)).rejects.toThrow();
    await expect(new WebhookReceiver(KEY, "another-secret-0123456789abcdef0123").receive(joined!.body, joined!.authorization)).rejects.toThrow();
  });

  it("refuses a join token without a roomJoin grant", async () => {
    const token = new AccessToken(KEY, SECRET, { identity: "bob", ttl: "1m" });
    token.addGrant({ roomList: true });
    await expect(standin.join(await token.toJwt())).rejects.toThrow(/roomJoin/);
  });
});
