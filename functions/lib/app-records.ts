import { registry } from "../../core/actors.ts";
import type { AppRecord } from "../../durable/registry/apps.repo.ts";

/**
 * App records (and which app a LiveKit room belongs to), cached per isolate so
 * that the hot paths — a join or play token, a LiveKit webhook, an HLS
 * segment — never wait on the one global Registry. A change made through this
 * isolate is seen at once (`forgetApp`); one made elsewhere within
 * APP_CACHE_MS. Under `npm start` there is one isolate; on Cloudflare this is
 * the bound on how long another isolate may act on an app's old settings, or
 * on an app deleted a moment ago.
 */
export const APP_CACHE_MS = 5_000;
const CACHE_MAX = 10_000;

const byName = new Map<string, { app: AppRecord | null; until: number }>();
const byRoom = new Map<string, { app: AppRecord | null; until: number }>();

function remember(cache: Map<string, { app: AppRecord | null; until: number }>, key: string, app: AppRecord | null): void {
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, { app, until: Date.now() + APP_CACHE_MS });
}

/** The app by name, or null when there is none. */
export async function appRecord(env: Env, name: string): Promise<AppRecord | null> {
  const cached = byName.get(name);
  if (cached && cached.until > Date.now()) return cached.app;
  const app = await registry(env).getApp(name);
  remember(byName, name, app);
  return app;
}

/** The app whose room prefix the LiveKit room carries, or null. */
export async function appForRoom(env: Env, room: string): Promise<AppRecord | null> {
  const cached = byRoom.get(room);
  if (cached && cached.until > Date.now()) return cached.app;
  const app = await registry(env).appForRoom(room);
  remember(byRoom, room, app);
  return app;
}

/** This isolate changed or deleted the app (or created one, which may claim rooms): stop using what was cached. */
export function forgetApp(name: string): void {
  byName.delete(name);
  byRoom.clear();
}
