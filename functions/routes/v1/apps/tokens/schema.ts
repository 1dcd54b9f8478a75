import { z } from "@hono/zod-openapi";
import { ROOM } from "../schema.ts";

const DURATION = /^(\d{1,6})(s|m|h|d)?$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;
export const MIN_TTL_SECONDS = 60;
export const MAX_TTL_SECONDS = 24 * 3600;

/** "6h", "90m", "3600" or 3600 → seconds, within 1 minute and 24 hours. */
const Ttl = z
  .union([z.number().int(), z.string().regex(DURATION, 'must be seconds or a duration like "90m", "6h"')])
  .transform((value) => {
    if (typeof value === "number") return value;
    const [, amount, unit] = DURATION.exec(value)!;
    return Number(amount) * UNIT_SECONDS[(unit ?? "s") as keyof typeof UNIT_SECONDS];
  })
  .pipe(z.number().min(MIN_TTL_SECONDS, "must be at least 60 seconds").max(MAX_TTL_SECONDS, "must be at most 24 hours"));

export const JoinTokenBody = z
  .strictObject({
    room: z.string().regex(ROOM, "must be 1–120 characters of letters, digits, _, . and -").optional(),
    identity: z.string().regex(/^[\w.@:-]{1,128}$/, "must be 1–128 characters of letters, digits, _, ., @, : and -").optional(),
    name: z.string().max(256).optional(),
    metadata: z.string().max(4096).optional(),
    canPublish: z.boolean().optional(),
    canSubscribe: z.boolean().optional(),
    canPublishData: z.boolean().optional(),
    ttl: Ttl.optional().openapi({ description: 'Seconds or a duration ("90m", "6h"); 1 minute to 24 hours, default 6 h' }),
    hidden: z.boolean().optional().openapi({ description: "Invisible to other participants; honoured only with the app's `hiddenQc` feature" }),
    recorder: z.boolean().optional().openapi({ description: "A recording participant: hidden, subscribe-only" }),
    audioOnly: z.boolean().optional().openapi({ description: "May publish the microphone only" }),
  })
  .openapi("JoinTokenRequest");

export const JoinTokenSchema = z
  .object({
    token: z.string().openapi({ description: "LiveKit access token carrying exactly the requested grants" }),
    app: z.string(),
    room: z.string().openapi({ description: "The LiveKit room, namespaced with the app's prefix" }),
    identity: z.string(),
    hidden: z.boolean(),
    audioOnly: z.boolean(),
    adaptive: z.boolean(),
    canPublish: z.boolean(),
    expiresAt: z.string(),
    wsUrl: z.string(),
    playUrl: z.string(),
    embedUrl: z.string(),
    iframe: z.string(),
  })
  .openapi("JoinToken");
