// A LiveKit stand-in for tests: the one sanctioned substitute (DESIGN.md).
// It speaks LiveKit's wire protocol — Twirp JSON decoded and encoded with the
// @livekit/protocol message types (unknown fields and malformed requests
// rejected as LiveKit rejects them), access tokens verified with the API
// secret and the grant each method needs — and it sends webhooks signed as
// LiveKit signs them (an HS256 access token in `Authorization` whose `sha256`
// claim is the body's digest; protojson body). It keeps rooms, participants,
// tracks and ingresses in memory. A test-only control surface under /_test
// makes participants join, publish and leave, ingresses start and stop, and
// webhooks drop or repeat.
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import {
  CreateIngressRequest,
  CreateRoomRequest,
  DeleteIngressRequest,
  DeleteRoomRequest,
  DeleteRoomResponse,
  EgressInfo,
  EgressStatus,
  EncodedFileOutput,
  FileInfo,
  IngressInfo,
  IngressInput,
  IngressState,
  IngressState_Status,
  ListEgressRequest,
  ListEgressResponse,
  ListIngressRequest,
  ListIngressResponse,
  ListParticipantsRequest,
  ListParticipantsResponse,
  ListRoomsRequest,
  ListRoomsResponse,
  ParticipantEgressRequest,
  ParticipantInfo,
  ParticipantInfo_Kind,
  ParticipantInfo_State,
  ParticipantPermission,
  RemoveParticipantResponse,
  Room,
  RoomCompositeEgressRequest,
  RoomParticipantIdentity,
  SegmentedFileOutput,
  SegmentsInfo,
  StopEgressRequest,
  TrackInfo,
  TrackSource,
  TrackType,
  WebhookEvent,
} from "@livekit/protocol";
import { AccessToken, TokenVerifier, type ClaimGrants } from "livekit-server-sdk";
import type { S3Upload } from "../../core/livekit-api.ts";
import { AwsClient } from "aws4fetch";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

type AnyMessage = { toJson(): unknown };
type MessageType = { fromJson(json: unknown, options?: { ignoreUnknownFields?: boolean }): AnyMessage; typeName: string };

export interface StandinOptions {
  apiKey: string;
  apiSecret: string;
  /** Where webhooks go. Without one they are kept for `takeWebhooks()` (for tests whose StreamHub is not on the network). */
  webhookUrl?: string;
  /** The RTMP ingest base reported for RTMP ingresses (a test's RTMP receiver, to check that media arrives). */
  rtmpBaseUrl?: string;
}

export interface SignedWebhook {
  body: string;
  authorization: string;
  event: string;
  id: string;
  room: string;
}

class TwirpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const sid = (prefix: string) => `${prefix}_${randomBytes(6).toString("hex")}`;
const nowSeconds = () => BigInt(Math.floor(Date.now() / 1000));

/** Where an egress uploads (LiveKit's S3Upload). */
type S3Target = S3Upload;

interface RoomState {
  room: Room;
  participants: Map<string, ParticipantInfo>;
}

export class LiveKitStandin {
  readonly #options: StandinOptions;
  readonly #verifier: TokenVerifier;
  readonly rooms = new Map<string, RoomState>();
  readonly ingresses = new Map<string, IngressInfo>();
  readonly egresses = new Map<string, { info: EgressInfo; file?: EncodedFileOutput; segments?: SegmentedFileOutput; startedAtMs: number; finished?: Promise<void> }>();
  readonly #outbox: SignedWebhook[] = [];
  /** The webhooks one control request caused, so concurrent tests never see each other's. */
  readonly #collected = new AsyncLocalStorage<SignedWebhook[]>();
  /** Every Twirp call received, for tests that assert what StreamHub asked for. */
  readonly calls: { method: string; request: unknown }[] = [];
  #server: Server | undefined;
  /** Webhooks still to drop, per room ("*" for any room), so concurrent tests never lose each other's. */
  readonly #dropNext = new Map<string, number>();
  #duplicate = false;
  url = "";

  constructor(options: StandinOptions) {
    this.#options = options;
    this.#verifier = new TokenVerifier(options.apiKey, options.apiSecret);
  }

  /** Points webhooks at StreamHub once it is up (it needs this stand-in's URL to start). */
  setWebhookUrl(url: string): void {
    this.#options.webhookUrl = url;
  }

  async listen(port = 0): Promise<string> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(port, "127.0.0.1", resolve));
    const address = this.#server.address();
    this.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`;
    return this.url;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  // ── HTTP ───────────────────────────────────────────────────────────────────

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const path = new URL(req.url ?? "/", "http://x").pathname;
    try {
      if (req.method === "GET" && path === "/") return send(res, 200, "OK", "text/plain");
      if (path.startsWith("/twirp/")) return send(res, 200, JSON.stringify(await this.#twirp(path.slice(7), req, body)));
      if (path.startsWith("/_test/")) return send(res, 200, JSON.stringify(await this.#control(path.slice(7), body ? JSON.parse(body) : {})));
      throw new TwirpError(404, "bad_route", `no handler for ${path}`);
    } catch (error) {
      if (error instanceof TwirpError) return send(res, error.status, JSON.stringify({ code: error.code, msg: error.message }));
      return send(res, 500, JSON.stringify({ code: "internal", msg: String(error) }));
    }
  }

  // ── Twirp: the parts of LiveKit's API StreamHub calls ──────────────────────

  async #twirp(route: string, req: IncomingMessage, body: string): Promise<unknown> {
    const method = TWIRP[route];
    if (!method) throw new TwirpError(404, "bad_route", `unknown method ${route}`);
    if (req.method !== "POST") throw new TwirpError(400, "bad_route", "twirp methods are POST");
    if (!(req.headers["content-type"] ?? "").startsWith("application/json")) throw new TwirpError(400, "malformed", "content-type must be application/json");

    const header = req.headers.authorization ?? "";
    const token = /^Bearer (.+)$/.exec(header)?.[1];
    if (!token) throw new TwirpError(401, "unauthenticated", "authorization header required");
    let grants: ClaimGrants;
    try {
      grants = await this.#verifier.verify(token);
    } catch {
      throw new TwirpError(401, "unauthenticated", "invalid token");
    }

    let request: AnyMessage;
    try {
      request = method.request.fromJson(JSON.parse(body || "{}"), { ignoreUnknownFields: false });
    } catch (error) {
      throw new TwirpError(400, "malformed", `cannot decode ${method.request.typeName}: ${(error as Error).message}`);
    }
    if (!method.allowed(grants, request as never)) throw new TwirpError(403, "permission_denied", `${route} needs another grant`);
    this.calls.push({ method: route, request: request.toJson() });
    const response = await method.handle(this, request as never);
    return response.toJson();
  }

  // ── Webhooks ───────────────────────────────────────────────────────────────

  /** Signs an event exactly as LiveKit's notifier does and delivers (or keeps) it. */
  async emit(event: string, fields: Partial<WebhookEvent>): Promise<SignedWebhook[]> {
    const message = new WebhookEvent({ ...fields, event, id: sid("EV"), createdAt: nowSeconds() });
    const body = message.toJsonString();
    const token = new AccessToken(this.#options.apiKey, this.#options.apiSecret, { ttl: "5m" });
    token.sha256 = createHash("sha256").update(body).digest("base64");
    const room = message.room?.name || message.ingressInfo?.roomName || message.egressInfo?.roomName || "";
    const signed = { body, authorization: await token.toJwt(), event, id: message.id, room };
    for (const scope of [room, "*"]) {
      const left = this.#dropNext.get(scope) ?? 0;
      if (left > 0) {
        this.#dropNext.set(scope, left - 1);
        return [];
      }
    }
    const copies = this.#duplicate ? [signed, signed] : [signed];
    for (const copy of copies) await this.#deliver(copy);
    return copies;
  }

  async #deliver(webhook: SignedWebhook): Promise<void> {
    const collected = this.#collected.getStore();
    if (collected) collected.push(webhook);
    if (!this.#options.webhookUrl) {
      if (!collected) this.#outbox.push(webhook);
      return;
    }
    await fetch(this.#options.webhookUrl, {
      method: "POST",
      headers: { Authorization: webhook.authorization, "Content-Type": "application/webhook+json" },
      body: webhook.body,
    });
  }

  /** Webhooks kept since the last call (when no webhookUrl is set). */
  takeWebhooks(): SignedWebhook[] {
    return this.#outbox.splice(0);
  }

  /**
   * The kept webhooks of one room (others stay for their own tests), waiting
   * up to `timeoutMs` until one of event `until` is among them.
   */
  async #takeWebhooksFor(room: string | undefined, until: string | undefined, timeoutMs: number): Promise<SignedWebhook[]> {
    const deadline = Date.now() + timeoutMs;
    const mine = (webhook: SignedWebhook) => !room || webhook.room === room;
    while (until && !this.#outbox.some((w) => mine(w) && w.event === until) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const taken = this.#outbox.filter(mine);
    this.#outbox.splice(0, this.#outbox.length, ...this.#outbox.filter((w) => !mine(w)));
    return taken;
  }

  // ── State changes, as LiveKit would make them ──────────────────────────────

  #ensureRoom(name: string): { state: RoomState; created: boolean } {
    let state = this.rooms.get(name);
    if (state) return { state, created: false };
    state = { room: new Room({ sid: sid("RM"), name, creationTime: nowSeconds(), emptyTimeout: 300 }), participants: new Map() };
    this.rooms.set(name, state);
    return { state, created: true };
  }

  createRoom(name: string): Room {
    return this.#ensureRoom(name).state.room;
  }

  async deleteRoom(name: string): Promise<void> {
    const state = this.rooms.get(name);
    if (!state) throw new TwirpError(404, "not_found", "room not found");
    for (const identity of [...state.participants.keys()]) await this.leave(name, identity);
    this.rooms.delete(name);
    await this.emit("room_finished", { room: state.room });
  }

  /** A participant joins with an access token, checked as LiveKit checks it. */
  async join(accessToken: string): Promise<ParticipantInfo> {
    let grants: ClaimGrants;
    try {
      grants = await this.#verifier.verify(accessToken);
    } catch {
      throw new TwirpError(401, "unauthenticated", "invalid join token");
    }
    const video = grants.video;
    if (!video?.roomJoin || !video.room || !grants.sub) throw new TwirpError(401, "unauthenticated", "token has no roomJoin grant, room or identity");
    return this.addParticipant(video.room, {
      identity: grants.sub,
      name: grants.name ?? "",
      metadata: grants.metadata ?? "",
      // As LiveKit does: the token's attributes become the participant's.
      attributes: grants.attributes ?? {},
      permission: new ParticipantPermission({
        canPublish: video.canPublish ?? true,
        canSubscribe: video.canSubscribe ?? true,
        canPublishData: video.canPublishData ?? true,
        hidden: video.hidden ?? false,
        recorder: video.recorder ?? false,
      }),
      kind: ParticipantInfo_Kind.STANDARD,
    });
  }

  async addParticipant(room: string, fields: Partial<ParticipantInfo>): Promise<ParticipantInfo> {
    const { state, created } = this.#ensureRoom(room);
    if (created) await this.emit("room_started", { room: state.room });
    if (state.participants.has(fields.identity!)) throw new TwirpError(409, "already_exists", "identity already in the room");
    const participant = new ParticipantInfo({ sid: sid("PA"), state: ParticipantInfo_State.ACTIVE, joinedAt: nowSeconds(), ...fields });
    state.participants.set(participant.identity, participant);
    state.room.numParticipants = state.participants.size;
    await this.emit("participant_joined", { room: state.room, participant });
    return participant;
  }

  async publish(room: string, identity: string, kind: "video" | "audio" = "video"): Promise<TrackInfo> {
    const participant = this.rooms.get(room)?.participants.get(identity);
    if (!participant) throw new TwirpError(404, "not_found", "participant not found");
    if (participant.permission && !participant.permission.canPublish) throw new TwirpError(403, "permission_denied", "participant may not publish");
    const track = new TrackInfo({
      sid: sid("TR"),
      type: kind === "video" ? TrackType.VIDEO : TrackType.AUDIO,
      source: kind === "video" ? TrackSource.CAMERA : TrackSource.MICROPHONE,
      name: kind,
    });
    participant.tracks.push(track);
    await this.emit("track_published", { room: this.rooms.get(room)!.room, participant, track });
    return track;
  }

  async leave(room: string, identity: string): Promise<void> {
    const state = this.rooms.get(room);
    const participant = state?.participants.get(identity);
    if (!state || !participant) throw new TwirpError(404, "not_found", "participant not found");
    for (const track of participant.tracks.splice(0)) await this.emit("track_unpublished", { room: state.room, participant, track });
    state.participants.delete(identity);
    state.room.numParticipants = state.participants.size;
    participant.state = ParticipantInfo_State.DISCONNECTED;
    await this.emit("participant_left", { room: state.room, participant });
  }

  createIngress(request: CreateIngressRequest): IngressInfo {
    if (!request.roomName) throw new TwirpError(400, "invalid_argument", "room name required");
    if (request.inputType === IngressInput.URL_INPUT) {
      if (!/^(https?|srt):\/\//.test(request.url)) throw new TwirpError(400, "invalid_argument", "url input needs an http(s) or srt url");
    } else if (request.url) {
      throw new TwirpError(400, "invalid_argument", "url is only for URL input");
    }
    const ingressId = sid("IN");
    const streamKey = request.inputType === IngressInput.URL_INPUT ? "" : randomBytes(9).toString("base64url");
    const info = new IngressInfo({
      ingressId,
      name: request.name,
      streamKey,
      url:
        request.inputType === IngressInput.RTMP_INPUT ? (this.#options.rtmpBaseUrl ?? "rtmp://127.0.0.1:1935/x") : request.inputType === IngressInput.WHIP_INPUT ? "http://127.0.0.1:8080/w" : request.url,
      inputType: request.inputType,
      enableTranscoding: request.enableTranscoding,
      roomName: request.roomName,
      participantIdentity: request.participantIdentity,
      participantName: request.participantName,
      participantMetadata: request.participantMetadata,
      reusable: request.inputType !== IngressInput.URL_INPUT,
      state: new IngressState({ status: IngressState_Status.ENDPOINT_INACTIVE }),
      enabled: request.enabled ?? true,
    });
    this.ingresses.set(ingressId, info);
    return info;
  }

  async startIngress(ingressId: string): Promise<void> {
    const info = this.ingresses.get(ingressId);
    if (!info) throw new TwirpError(404, "not_found", "ingress not found");
    info.state = new IngressState({ status: IngressState_Status.ENDPOINT_PUBLISHING, startedAt: BigInt(Date.now()), roomId: this.#ensureRoom(info.roomName).state.room.sid });
    await this.emit("ingress_started", { ingressInfo: info });
    await this.addParticipant(info.roomName, { identity: info.participantIdentity, name: info.participantName, kind: ParticipantInfo_Kind.INGRESS });
    await this.publish(info.roomName, info.participantIdentity, "video");
  }

  async stopIngress(ingressId: string): Promise<void> {
    const info = this.ingresses.get(ingressId);
    if (!info) throw new TwirpError(404, "not_found", "ingress not found");
    info.state = new IngressState({ ...info.state, status: IngressState_Status.ENDPOINT_INACTIVE, endedAt: BigInt(Date.now()) });
    if (this.rooms.get(info.roomName)?.participants.has(info.participantIdentity)) await this.leave(info.roomName, info.participantIdentity);
    await this.emit("ingress_ended", { ingressInfo: info });
  }

  async deleteIngress(ingressId: string): Promise<IngressInfo> {
    const info = this.ingresses.get(ingressId);
    if (!info) throw new TwirpError(404, "not_found", "ingress not found");
    if (info.state?.status === IngressState_Status.ENDPOINT_PUBLISHING) await this.stopIngress(ingressId);
    this.ingresses.delete(ingressId);
    return info;
  }

  // ── Egress: real media, uploaded where the request says ───────────────────

  async startEgress(roomName: string, outputs: { file?: EncodedFileOutput; segments?: SegmentedFileOutput }, request: EgressInfo["request"]): Promise<EgressInfo> {
    const room = this.rooms.get(roomName);
    if (!room) throw new TwirpError(412, "failed_precondition", "room does not exist");
    const { file, segments } = outputs;
    if (file && (file.output.case !== "s3" || !file.filepath)) throw new TwirpError(400, "invalid_argument", "this stand-in records files to S3 with a filepath");
    if (segments && (segments.output.case !== "s3" || !segments.filenamePrefix)) throw new TwirpError(400, "invalid_argument", "this stand-in writes segments to S3 with a filename prefix");
    if (!file && !segments) throw new TwirpError(400, "invalid_argument", "an output is required");
    const info = new EgressInfo({ egressId: sid("EG"), roomId: room.room.sid, roomName, status: EgressStatus.EGRESS_ACTIVE, startedAt: BigInt(Date.now()) * 1_000_000n, request });
    // Live HLS: the first segments and the playlist are in the bucket before the call returns.
    if (segments) await this.#writeSegments(info, segments);
    this.egresses.set(info.egressId, { info, file, segments, startedAtMs: Date.now() });
    await this.emit("egress_started", { egressInfo: info });
    return info;
  }

  /** Real HLS (H.264/AAC, 2 s segments) made by ffmpeg and uploaded where LiveKit's segment egress would put it. */
  async #writeSegments(info: EgressInfo, segments: SegmentedFileOutput): Promise<void> {
    const upload = segments.output.value as S3Target;
    const dir = mkdtempSync(join(tmpdir(), "standin-hls-"));
    try {
      const base = segments.filenamePrefix.slice(segments.filenamePrefix.lastIndexOf("/") + 1);
      const folder = segments.filenamePrefix.slice(0, segments.filenamePrefix.lastIndexOf("/") + 1);
      const playlist = segments.playlistName || "index.m3u8";
      await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
        "-t", "6", "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-pix_fmt", "yuv420p", "-c:a", "aac",
        "-f", "hls", "-hls_time", String(segments.segmentDuration || 2), "-hls_list_size", "0", "-hls_segment_filename", join(dir, `${base}_%05d.ts`), join(dir, playlist)]);
      let count = 0;
      for (const name of readdirSync(dir)) {
        const bytes = readFileSync(join(dir, name));
        const live = name === playlist ? Buffer.from(bytes.toString().replace("#EXT-X-ENDLIST\n", "")) : bytes;
        await this.#upload(upload, `${folder}${name}`, live, name.endsWith(".m3u8") ? "application/vnd.apple.mpegurl" : "video/mp2t");
        if (name.endsWith(".ts")) count++;
      }
      info.segmentResults = [new SegmentsInfo({ playlistName: `${folder}${playlist}`, segmentCount: BigInt(count), duration: 6_000_000_000n, startedAt: info.startedAt })];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async #upload(target: S3Target, key: string, body: Uint8Array, contentType: string): Promise<string> {
    const endpoint = new URL(target.endpoint || `https://s3.${target.region}.amazonaws.com`);
    const path = key.split("/").map(encodeURIComponent).join("/");
    const url = target.forcePathStyle ? `${endpoint.origin}/${target.bucket}/${path}` : `${endpoint.protocol}//${target.bucket}.${endpoint.host}/${path}`;
    const aws = new AwsClient({ accessKeyId: target.accessKey, secretAccessKey: target.secret, service: "s3", region: target.region, retries: 0 });
    const response = await aws.fetch(url, { method: "PUT", body, headers: { "Content-Type": contentType } });
    if (!response.ok) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
    return url;
  }

  /** Ends an egress as LiveKit does: ENDING now; the file is made, uploaded, and `egress_ended` sent afterwards. */
  async stopEgress(egressId: string): Promise<EgressInfo> {
    const egress = this.egresses.get(egressId);
    if (!egress) throw new TwirpError(404, "not_found", "egress not found");
    if (egress.info.status !== EgressStatus.EGRESS_ACTIVE) throw new TwirpError(412, "failed_precondition", "egress is not active");
    egress.info.status = EgressStatus.EGRESS_ENDING;
    await this.emit("egress_updated", { egressInfo: egress.info });
    const seconds = Math.min(10, Math.max(2, Math.round((Date.now() - egress.startedAtMs) / 1000)));
    egress.finished = this.#finishEgress(egress, seconds);
    return egress.info;
  }

  async #finishEgress(egress: { info: EgressInfo; file?: EncodedFileOutput }, seconds: number): Promise<void> {
    const { info, file } = egress;
    if (!file) {
      // A segment egress: its media is already in the bucket.
      info.status = EgressStatus.EGRESS_COMPLETE;
      info.endedAt = BigInt(Date.now()) * 1_000_000n;
      await this.emit("egress_ended", { egressInfo: info });
      return;
    }
    const upload = file.output.value as S3Target;
    const dir = mkdtempSync(join(tmpdir(), "standin-egress-"));
    try {
      const path = join(dir, "out.mp4");
      await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=1280x720:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
        "-t", String(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart", path]);
      const bytes = readFileSync(path);
      const url = await this.#upload(upload, file.filepath, bytes, "video/mp4");
      info.fileResults = [
        new FileInfo({ filename: file.filepath, size: BigInt(bytes.length), duration: BigInt(seconds) * 1_000_000_000n, location: url, startedAt: info.startedAt, endedAt: BigInt(Date.now()) * 1_000_000n }),
      ];
      info.status = EgressStatus.EGRESS_COMPLETE;
    } catch (error) {
      info.status = EgressStatus.EGRESS_FAILED;
      info.error = (error as Error).message;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    info.endedAt = BigInt(Date.now()) * 1_000_000n;
    await this.emit("egress_ended", { egressInfo: info });
  }

  // ── Test control surface ───────────────────────────────────────────────────

  #control(action: string, input: Record<string, any>): Promise<unknown> {
    const collected: SignedWebhook[] = [];
    return this.#collected.run(collected, () => this.#controlAction(action, input, () => collected));
  }

  async #controlAction(action: string, input: Record<string, any>, emitted: () => SignedWebhook[]): Promise<unknown> {
    switch (action) {
      case "join":
        return { participant: (await this.join(input.token)).toJson(), webhooks: emitted() };
      case "publish":
        return { track: (await this.publish(input.room, input.identity, input.kind)).toJson(), webhooks: emitted() };
      case "leave":
        await this.leave(input.room, input.identity);
        return { webhooks: emitted() };
      case "ingress/start":
        await this.startIngress(input.ingressId);
        return { webhooks: emitted() };
      case "ingress/stop":
        await this.stopIngress(input.ingressId);
        return { webhooks: emitted() };
      case "faults":
        this.#dropNext.set(String(input.room ?? "*"), Number(input.drop ?? 0));
        this.#duplicate = Boolean(input.duplicate);
        return { ok: true };
      case "webhooks":
        return { webhooks: await this.#takeWebhooksFor(input.room, input.until, Number(input.timeoutMs ?? 0)) };
      case "state":
        return {
          rooms: [...this.rooms.values()].map((s) => ({ room: s.room.toJson(), participants: [...s.participants.values()].map((p) => p.toJson()) })),
          ingresses: [...this.ingresses.values()].map((i) => i.toJson()),
          calls: this.calls,
        };
      default:
        throw new TwirpError(404, "bad_route", `no control action ${action}`);
    }
  }
}

interface TwirpMethod<Req> {
  request: MessageType;
  allowed: (grants: ClaimGrants, request: Req) => boolean;
  handle: (standin: LiveKitStandin, request: Req) => Promise<AnyMessage> | AnyMessage;
}

const method = <Req>(m: TwirpMethod<Req>) => m as TwirpMethod<never>;

const TWIRP: Record<string, TwirpMethod<never>> = {
  "livekit.RoomService/CreateRoom": method<CreateRoomRequest>({
    request: CreateRoomRequest,
    allowed: (g) => Boolean(g.video?.roomCreate),
    handle: (s, r) => s.createRoom(r.name),
  }),
  "livekit.RoomService/ListRooms": method<ListRoomsRequest>({
    request: ListRoomsRequest,
    allowed: (g) => Boolean(g.video?.roomList),
    handle: (s, r) =>
      new ListRoomsResponse({ rooms: [...s.rooms.values()].map((x) => x.room).filter((room) => r.names.length === 0 || r.names.includes(room.name)) }),
  }),
  "livekit.RoomService/DeleteRoom": method<DeleteRoomRequest>({
    request: DeleteRoomRequest,
    allowed: (g) => Boolean(g.video?.roomCreate),
    handle: async (s, r) => {
      await s.deleteRoom(r.room);
      return new DeleteRoomResponse();
    },
  }),
  "livekit.RoomService/ListParticipants": method<ListParticipantsRequest>({
    request: ListParticipantsRequest,
    allowed: (g, r) => Boolean(g.video?.roomAdmin) && g.video?.room === r.room,
    handle: (s, r) => new ListParticipantsResponse({ participants: [...(s.rooms.get(r.room)?.participants.values() ?? [])] }),
  }),
  "livekit.RoomService/GetParticipant": method<RoomParticipantIdentity>({
    request: RoomParticipantIdentity,
    allowed: (g, r) => Boolean(g.video?.roomAdmin) && g.video?.room === r.room,
    handle: (s, r) => {
      const participant = s.rooms.get(r.room)?.participants.get(r.identity);
      if (!participant) throw new TwirpError(404, "not_found", "participant not found");
      return participant;
    },
  }),
  "livekit.RoomService/RemoveParticipant": method<RoomParticipantIdentity>({
    request: RoomParticipantIdentity,
    allowed: (g, r) => Boolean(g.video?.roomAdmin) && g.video?.room === r.room,
    handle: async (s, r) => {
      await s.leave(r.room, r.identity);
      return new RemoveParticipantResponse();
    },
  }),
  "livekit.Egress/StartRoomCompositeEgress": method<RoomCompositeEgressRequest>({
    request: RoomCompositeEgressRequest,
    allowed: (g) => Boolean(g.video?.roomRecord),
    handle: (s, r) =>
      s.startEgress(
        r.roomName,
        { file: r.fileOutputs[0] ?? (r.output.case === "file" ? r.output.value : undefined), segments: r.segmentOutputs[0] ?? (r.output.case === "segments" ? r.output.value : undefined) },
        { case: "roomComposite", value: r },
      ),
  }),
  "livekit.Egress/StartParticipantEgress": method<ParticipantEgressRequest>({
    request: ParticipantEgressRequest,
    allowed: (g) => Boolean(g.video?.roomRecord),
    handle: (s, r) => {
      if (!s.rooms.get(r.roomName)?.participants.has(r.identity)) throw new TwirpError(412, "failed_precondition", "participant not in room");
      return s.startEgress(r.roomName, { file: r.fileOutputs[0], segments: r.segmentOutputs[0] }, { case: "participant", value: r });
    },
  }),
  "livekit.Egress/StopEgress": method<StopEgressRequest>({
    request: StopEgressRequest,
    allowed: (g) => Boolean(g.video?.roomRecord),
    handle: (s, r) => s.stopEgress(r.egressId),
  }),
  "livekit.Egress/ListEgress": method<ListEgressRequest>({
    request: ListEgressRequest,
    allowed: (g) => Boolean(g.video?.roomRecord),
    handle: (s, r) =>
      new ListEgressResponse({
        items: [...s.egresses.values()].map((e) => e.info).filter((i) => (!r.roomName || i.roomName === r.roomName) && (!r.egressId || i.egressId === r.egressId)),
      }),
  }),
  "livekit.Ingress/CreateIngress": method<CreateIngressRequest>({
    request: CreateIngressRequest,
    allowed: (g) => Boolean(g.video?.ingressAdmin),
    handle: (s, r) => s.createIngress(r),
  }),
  "livekit.Ingress/ListIngress": method<ListIngressRequest>({
    request: ListIngressRequest,
    allowed: (g) => Boolean(g.video?.ingressAdmin),
    handle: (s, r) =>
      new ListIngressResponse({
        items: [...s.ingresses.values()].filter((i) => (!r.roomName || i.roomName === r.roomName) && (!r.ingressId || i.ingressId === r.ingressId)),
      }),
  }),
  "livekit.Ingress/DeleteIngress": method<DeleteIngressRequest>({
    request: DeleteIngressRequest,
    allowed: (g) => Boolean(g.video?.ingressAdmin),
    handle: (s, r) => s.deleteIngress(r.ingressId),
  }),
};

function send(res: ServerResponse, status: number, body: string, type = "application/json"): void {
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}
