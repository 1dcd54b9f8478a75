// Recording as a new user meets it: StreamHub started as `npm start` does, the
// LiveKit stand-in posting real webhooks, and a real S3 on loopback that checks
// every signature. The VOD downloads through its presigned URL and ffprobe reads it.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveKitStandin } from "../livekit/standin.ts";
import type { VerifyingS3 } from "../s3/verifying-s3.ts";
import { call, type RunningStreamHub } from "./harness.ts";
import { startStandinStack, type StandinStack } from "./standin-stack.ts";

const run = promisify(execFile);
const KEY = "APIe2erecording";
const SECRET = "e2e-recording-secret-0123456789abcdef01234";
const TOKEN = "sk_recording_e2e_token_0123456789abcdefghij";
let stack: StandinStack;
let standin: LiveKitStandin;
let s3: VerifyingS3;
let node: RunningStreamHub;

beforeAll(async () => {
  stack = await startStandinStack({ token: TOKEN, apiKey: KEY, apiSecret: SECRET, bucket: "media" });
  ({ standin, s3, node } = stack);
});
afterAll(() => stack?.close());

const api = (method: string, path: string, json?: unknown) => call(node.url, method, path, { token: TOKEN, json });
const s3Settings = (secret: string) => stack.s3Settings(secret);

describe("against the LiveKit stand-in: recording on a running node", () => {
  it("wrong secret refused and nothing saved; record, stop, download an H.264 MP4; delete removes the object", async () => {
    expect((await api("POST", "/api/v1/apps", { name: "shows" })).status).toBe(201);
    const refused = await api("PUT", "/api/v1/apps/shows/s3", s3Settings("definitely-not-the-secret-0123"));
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("s3_invalid_secret");
    expect((await api("GET", "/api/v1/apps/shows/s3")).body.data.configured).toBe(false);
    expect((await api("PUT", "/api/v1/apps/shows/s3", s3Settings(s3.credentials.secretAccessKey))).status).toBe(200);

    const publisher = (await api("POST", "/api/v1/apps/shows/tokens", { room: "main", identity: "host" })).body.data;
    await standin.join(publisher.token);
    await standin.publish("shows-main", "host");

    const { vodId, egressId } = (await api("POST", "/api/v1/apps/shows/recording/start", { roomName: "main" })).body.data;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await api("POST", `/api/v1/apps/shows/recording/${vodId}/stop`)).status).toBe(200);
    await standin.egresses.get(egressId)?.finished;

    const vod = (await api("GET", `/api/v1/apps/shows/vods/${vodId}`)).body.data;
    expect(vod.status).toBe("ready");
    const { stdout } = await run("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,codec_type:format=duration", "-of", "json", vod.presignedUrl]);
    const probe = JSON.parse(stdout);
    expect(probe.streams.find((s: any) => s.codec_type === "video").codec_name).toBe("h264");
    expect(Math.abs(Number(probe.format.duration) - vod.durationS)).toBeLessThan(0.5);
    expect(vod.durationS).toBeGreaterThanOrEqual(3);
    // Every request StreamHub and egress signed verified, but for the probe made with the wrong secret.
    expect(s3.seen.filter((request) => request.verdict !== "ok")).toEqual([expect.objectContaining({ method: "PUT", verdict: "SignatureDoesNotMatch" })]);

    expect((await api("DELETE", `/api/v1/apps/shows/vods/${vodId}`)).body.data.s3Deleted).toBe(true);
    expect((await fetch(vod.presignedUrl)).status).toBe(404);
  });

  it("live HLS plays through StreamHub with ffmpeg, and is a 404 once stopped", async () => {
    const id = encodeURIComponent("shows-main/host");
    const { playlistUrl } = (await api("POST", `/api/v1/apps/shows/streams/${id}/hls/start`)).body.data;
    expect(playlistUrl).toBe(`${node.url}/hls/shows/shows-main/index.m3u8`);
    const { stdout } = await run("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,codec_type", "-of", "json", playlistUrl]);
    expect(JSON.parse(stdout).streams.map((s: any) => s.codec_name).sort()).toEqual(["aac", "h264"]);
    await run("ffmpeg", ["-v", "error", "-i", playlistUrl, "-t", "2", "-f", "null", "-"]);
    expect((await api("POST", `/api/v1/apps/shows/streams/${id}/hls/stop`)).body.data.status).toBe("stopped");
    expect((await fetch(playlistUrl)).status).toBe(404);
  });
});
