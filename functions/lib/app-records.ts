import { registry } from "../../core/actors.ts";
import { roomPrefixCandidates, type AppRecord } from "../../durable/registry/apps.repo.ts";

/**
 * App records (and which app a LiveKit room belongs to), cached per isolate so
 * that the hot paths — a join or play token, a LiveKit webhook, an HLS
 * segment — never wait on the one global Registry. A change made through this
 * isolate is seen at once (`forgetApp`); one made elsewhere within
 * APP_CACHE_MS. Under `npm start` there is one isolate; on Cloudflare this is
 * the bound on how long another isolate may act on an app's old settings, or
 * on an app deleted a moment ago, or list an app list a moment old.
 */
export const APP_CACHE_MS = 5_000;
const CACHE_MAX = 10_000;

const byName = new Map<string, { app: AppRecord | null; until: number }>();
/** Apps by their room prefix (rooms come and go; an app's prefix stays). */
const byPrefix = new Map<string, { app: AppRecord | null; until: number }>();
/** Rooms that belong to no app. */
const byRoom = new Map<string, { app: AppRecord | null; until: number }>();

/**
 * Bumped by every `forgetApp`: a Registry read that started before a change
 * in this isolate must not put its (older) answer back into the cache.
 */
let generation = 0;

function remember(cache: Map<string, { app: AppRecord | null; until: number }>, key: string, app: AppRecord | null, readAt: number): void {
  if (readAt !== generation) return;
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, { app, until: Date.now() + APP_CACHE_MS });
}

/** The app by name, or null when there is none. */
export async function appRecord(env: Env, name: string): Promise<AppRecord | null> {
  const cached = byName.get(name);
  if (cached && cached.until > Date.now()) return cached.app;
  const readAt = generation;
  const app = await registry(env).getApp(name);
  remember(byName, name, app, readAt);
  return app;
}

/** The app whose room prefix the LiveKit room carries, or null. */
export async function appForRoom(env: Env, room: string): Promise<AppRecord | null> {
  const now = Date.now();
  // Prefixes never overlap, so at most one "-"-delimited start of the name is an app's.
  for (const prefix of roomPrefixCandidates(room)) {
    const cached = byPrefix.get(prefix);
    if (cached && cached.until > now) return cached.app;
  }
  const unknown = byRoom.get(room);
  if (unknown && unknown.until > now) return null;
  const readAt = generation;
  const app = await registry(env).appForRoom(room);
  if (app) remember(byPrefix, app.livekitRoomPrefix, app, readAt);
  else remember(byRoom, room, null, readAt);
  return app;
}

/** This isolate changed or deleted the app (or created one, which may claim rooms): stop using what was cached. */
export function forgetApp(name: string): void {
  generation++;
  byName.delete(name);
  byPrefix.clear();
  byRoom.clear();
  listings.clear();
}

/**
 * Pages of the app list, cached like the records (`GET /api/v1/apps` is read
 * far more often than apps change): the key is the caller's view and the page.
 */
const listings = new Map<string, { page: { apps: AppRecord[]; total: number }; until: number }>();

export async function appList(env: Env, filter: { tenantId?: string; appId?: number }, limit: number, offset: number): Promise<{ apps: AppRecord[]; total: number }> {
  const key = `${filter.tenantId ?? "*"}|${filter.appId ?? "*"}|${limit}|${offset}`;
  const cached = listings.get(key);
  if (cached && cached.until > Date.now()) return cached.page;
  const readAt = generation;
  const page = await registry(env).listApps(filter, limit, offset);
  if (readAt !== generation) return page;
  if (listings.size >= CACHE_MAX) listings.clear();
  listings.set(key, { page, until: Date.now() + APP_CACHE_MS });
  return page;
}
