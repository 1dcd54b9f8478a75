// The naming rules of StreamHub's own things, shared by the routes that take
// them from URLs and the schemas that validate them (and cheap to import: no
// schema is built here).

/** An app's name: 3–32 lower-case letters, digits and inner hyphens (it is a URL segment and a room prefix's default). */
export const APP_NAME = /^[a-z0-9][a-z0-9-]{1,30}[a-z0-9]$/;
/** The prefix that namespaces an app's rooms in LiveKit. */
export const ROOM_PREFIX = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** A room name as callers give it (before the app's prefix is added). */
export const ROOM = /^[\w.-]{1,120}$/;
