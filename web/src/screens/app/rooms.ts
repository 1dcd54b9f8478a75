import type { Schemas } from "../../api/client.ts";

/** The room as the app names it: LiveKit's room without the app's prefix. */
export const appRoom = (app: Schemas["AppRecord"], room: string) => (room.startsWith(`${app.livekitRoomPrefix}-`) ? room.slice(app.livekitRoomPrefix.length + 1) : room);
