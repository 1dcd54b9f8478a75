import { Hono, type Context } from "hono";
import { keyUnder, objectUrl } from "../../core/s3.ts";
import { appActor } from "../../core/actors.ts";
import { namespacedRoom, tokenGrant } from "../../core/livekit.ts";
import { APP_NAME } from "../../core/names.ts";
import { describeError, log } from "../../core/log.ts";
import { outbound } from "../../core/outbound.ts";
import { transportFailure } from "../../core/transport.ts";
import { appRecord } from "../lib/app-records.ts";
import type { AppEnv } from "../lib/context.ts";
import { errorBody } from "../lib/envelope.ts";
import { ApiError, ERRORS } from "../lib/errors.ts";
import { featuresOf } from "../lib/features.ts";
import { hlsFolder, PLAYLIST } from "../../core/hls.ts";
import { livekit } from "../lib/livekit.ts";
import { s3Fetch } from "../lib/s3-probe.ts";

// Live HLS, public like a player needs it: the playlist is read from the app's
// bucket and its segment lines point back here, so players never need S3
// access. 404 when the room is not live. With public playback off, a valid
// play token for the room is required (`?token=`).

const ROOM = /^[\w.-]{1,160}$/;
const SEGMENT = /^[\w.-]{1,128}\.(ts|m4s|mp4|aac)$/;

const notFound = (c: Context<AppEnv>) => {
  c.header("Access-Control-Allow-Origin", "*");
  return c.json(errorBody("not_found", "no live HLS here", c.get("requestId")), ERRORS.not_found.status);
};

/**
 * The bucket folder of the room's live HLS, when it is live. The room is the
 * LiveKit room (`<prefix>-<room>`) or the room as the app names it — what a
 * player knows. Per request: the app record from the edge cache, and one call
 * into the app's actor.
 */
async function liveSource(c: Context<AppEnv>) {
  const appName = c.req.param("app") ?? "";
  const requested = c.req.param("room") ?? "";
  if (!APP_NAME.test(appName) || !ROOM.test(requested)) return null;
  const record = await appRecord(c.env, appName);
  if (!record) return null;
  const room = namespacedRoom(record.livekitRoomPrefix, requested);
  if (!featuresOf(record).publicPlayback && !(await playTokenValid(c, room))) return null;
  const source = await appActor(c.env, record.name).liveHlsSource(room);
  if (!source) return null;
  return { appName, room, settings: source.settings, credentials: source.credentials, folder: hlsFolder(source.settings.prefix, room) };
}

/** A LiveKit token this node signed that may join the room (a play token). */
async function playTokenValid(c: Context<AppEnv>, room: string): Promise<boolean> {
  const token = c.req.query("token");
  if (!token) return false;
  const grant = await tokenGrant(livekit(c.get("config")), token);
  return grant?.roomJoin === true && grant.room === room && grant.canSubscribe !== false;
}

/** /hls/{app}/{room}/{file} */
export const hlsApi = new Hono<AppEnv>();

hlsApi.get("/:app/:room/:file", async (c) => {
  const file = c.req.param("file");
  const source = await liveSource(c);
  if (!source || (file !== PLAYLIST && !SEGMENT.test(file))) return notFound(c);
  // Public-only unless STREAMHUB_S3_ALLOW_PRIVATE: a bucket name that has come to resolve to a private address is not proxied (core/outbound.ts).
  const send = s3Fetch(source.settings, source.credentials, outbound(c.env, c.get("config").STREAMHUB_S3_ALLOW_PRIVATE));
  let upstream: Response;
  try {
    upstream = await send(objectUrl(source.settings, keyUnder(source.folder, file)), { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    log("warn", "HLS: the app's bucket did not answer", { requestId: c.get("requestId"), app: source.appName, ...describeError(error) });
    throw new ApiError("s3_error", `the app's bucket did not answer (${transportFailure(error)}); try again`);
  }
  if (!upstream.ok) return notFound(c);

  c.header("Access-Control-Allow-Origin", "*");
  if (file === PLAYLIST) {
    const token = c.req.query("token");
    const suffix = token ? `?token=${encodeURIComponent(token)}` : "";
    // Segment lines (and an fMP4 init segment's URI) become this route's own URLs, carrying the play token along.
    const playlist = (await upstream.text())
      .split("\n")
      .map((line) =>
        line && !line.startsWith("#") && SEGMENT.test(line.trim())
          ? `${line.trim()}${suffix}`
          : line.startsWith("#EXT-X-MAP:")
            ? line.replace(/URI="([\w.-]+)"/, (whole, uri: string) => (SEGMENT.test(uri) ? `URI="${uri}${suffix}"` : whole))
            : line,
      )
      .join("\n");
    c.header("Content-Type", "application/vnd.apple.mpegurl");
    c.header("Cache-Control", "no-cache");
    return c.body(playlist);
  }
  return new Response(upstream.body, {
    headers: {
      "Content-Type": upstream.headers.get("Content-Type") ?? "video/mp2t",
      "Cache-Control": "public, max-age=31536000, immutable",
      "Access-Control-Allow-Origin": "*",
      "X-Request-Id": c.get("requestId"),
    },
  });
});
