import { z } from "@hono/zod-openapi";
import { pageQuery } from "../../../lib/pagination.ts";
import type { AppRecord } from "../../../../durable/registry/apps.repo.ts";
import { APP_NAME, ROOM_PREFIX } from "../../../../core/names.ts";

// API.md: an app's name is unique, 3–32 characters, and never changes.
export { APP_NAME, ROOM, ROOM_PREFIX } from "../../../../core/names.ts";

export const FeaturesSchema = z
  .strictObject({
    rtmpPassword: z.boolean(),
    chat: z.boolean(),
    reactions: z.boolean(),
    viewerCounter: z.boolean(),
    hiddenQc: z.boolean(),
    adaptivePlayer: z.boolean(),
    publicPlayback: z.boolean(),
  })
  .partial()
  .openapi("AppFeatures");

const HTTPS_IMAGE = z.url({ protocol: /^https$/, error: "must be an https URL" }).max(2048);

export const BrandingSchema = z
  .strictObject({
    primaryColor: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, "must be a colour like #3b82f6")
      .openapi({ description: "Buttons and accents of the player" }),
    logoUrl: HTTPS_IMAGE.openapi({ description: "Shown above the player on /play" }),
    posterUrl: HTTPS_IMAGE.openapi({ description: "Shown before the stream starts" }),
  })
  .partial()
  .openapi("AppBranding");

export const AppRecordSchema = z
  .object({
    id: z.number().int(),
    name: z.string().openapi({ example: "demo" }),
    displayName: z.string(),
    livekitRoomPrefix: z.string(),
    tenantId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    // One copy of the settings, in the field the original's clients read: a JSON
    // string of AppSettings (recordingEnabled, features, branding, …).
    settingsJson: z.string().openapi({ description: "The app's settings (`AppSettings`) as a JSON string, as the original StreamHub returns them" }),
  })
  .openapi("AppRecord") satisfies z.ZodType<AppView>;

/** An app as the API shows it: the record without its parsed `settings` (they are in `settingsJson`). */
export type AppView = Omit<AppRecord, "settings">;
export const toAppView = ({ settings: _, ...view }: AppRecord): AppView => view;

export const CreateAppBody = z
  .strictObject({
    name: z.string().regex(APP_NAME, "must be 3–32 characters of a-z, 0-9 and -, starting and ending with a letter or digit"),
    displayName: z.string().trim().min(1).max(100).optional(),
    roomPrefix: z.string().regex(ROOM_PREFIX, "must be 1–40 characters of a-z, 0-9 and -, starting with a letter or digit").optional(),
    tenantId: z.string().min(1).max(64).optional().openapi({ description: "Superadmins only: the tenant to create the app in (default `platform`)" }),
  })
  .openapi("CreateApp");

const SPLIT_MINUTES = [0, 15, 30, 60, 90, 120] as const;
const SNAPSHOT_SECONDS = [0, 1, 30, 60, 120, 360] as const;
const oneOf = (values: readonly number[]) =>
  z.number().refine((v) => values.includes(v), `must be one of ${values.join(", ")}`);

export const UpdateAppBody = z
  .strictObject({
    displayName: z.string().trim().min(1).max(100),
    roomPrefix: CreateAppBody.shape.roomPrefix.unwrap(),
    recordingEnabled: z.boolean(),
    autoRecord: z.boolean().openapi({ description: "Record each room as soon as a stream starts in it" }),
    auditTokens: z
      .boolean()
      .openapi({ description: "Write an audit row for every join token minted. Off by default: join and play tokens are machine traffic, counted per day instead" }),
    splitMinutes: oneOf(SPLIT_MINUTES),
    snapshotSeconds: oneOf(SNAPSHOT_SECONDS),
    callbackUrl: z.url({ protocol: /^https?$/, error: "must be an http or https URL" }).max(2048).nullable(),
    // Any length, so that an existing receiver's secret carries over from the
    // original (README: short secrets are weak; webhook endpoints get whsec_ ones).
    callbackSecret: z
      .string()
      .min(1, "must not be empty (null clears it)")
      .max(256)
      .nullable()
      .openapi({ description: "Legacy HMAC secret of the callback endpoint, any length (a short one is weak: prefer a webhook endpoint's generated whsec_ secret); null clears it" }),
    features: FeaturesSchema,
    branding: BrandingSchema.openapi({ description: "Player pages' look, merged key by key (give a key to change it)" }),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, "give at least one field to change")
  .openapi("UpdateApp");

export const ListAppsQuery = pageQuery();

export const DeleteAppQuery = z.object({
  deleteVods: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .openapi({ param: { name: "deleteVods", in: "query" }, description: "Also delete the app's recordings from its bucket" }),
});

export const DeletedAppSchema = z.object({ deleted: z.literal(true), name: z.string() }).openapi("DeletedApp");
