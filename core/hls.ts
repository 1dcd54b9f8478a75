import { keyUnder } from "./s3.ts";

/** API.md: a room's HLS folder name keeps word characters and "-", everything else becomes "_". */
export const roomSlug = (room: string) => room.replace(/[^\w-]/g, "_");

/** Where a room's live HLS lives in the app's bucket. */
export const hlsFolder = (prefix: string, room: string) => keyUnder(prefix, "hls", roomSlug(room));

export const PLAYLIST = "index.m3u8";

/** The public playlist URL StreamHub serves (it reads the bucket; players never need S3 access). */
export const playlistUrl = (base: string, app: string, room: string) => `${base}/hls/${encodeURIComponent(app)}/${encodeURIComponent(room)}/${PLAYLIST}`;
