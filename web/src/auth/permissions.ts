// What the signed-in caller may do, to show only what it can use. The same
// table as the server's (functions/lib/auth/permissions.ts; web/ may not import
// it): permissions.node.test.ts fails when the two differ.
import type { Schemas } from "../api/client.ts";

export type Permission = `${string}:${"read" | "create" | "write" | "delete" | "start" | "stop"}`;
type TenantRole = "owner" | "editor" | "viewer";

export const ROLE_PERMISSIONS: Record<TenantRole, { allow: string[]; deny: string[] }> = {
  owner: { allow: ["*:*"], deny: [] },
  editor: {
    allow: ["*:read", "app:create", "app:write", "config:write", "s3:write", "stream:*", "recording:*", "vod:write", "vod:delete", "broadcast:*", "sample:write", "ingress:*"],
    deny: ["audit:read", "token:read"],
  },
  viewer: { allow: ["*:read"], deny: ["audit:read", "token:read"] },
};

const matches = (pattern: string, permission: string) => {
  const [resource, action] = permission.split(":");
  const [patternResource, patternAction] = pattern.split(":");
  return (patternResource === "*" || patternResource === resource) && (patternAction === "*" || patternAction === action);
};

/** Whether `me` may do `permission` (in its own tenant; superadmins and global tokens everywhere). */
export function can(me: Schemas["AuthContext"] | undefined, permission: Permission | "superadmin"): boolean {
  if (!me) return false;
  if (me.isSuperadmin || (me.via === "api_token" && me.scope === "global")) return true;
  if (permission === "superadmin") return false;
  const role = me.role;
  if (role !== "owner" && role !== "editor" && role !== "viewer") return false;
  const grants = ROLE_PERMISSIONS[role];
  return grants.allow.some((p) => matches(p, permission)) && !grants.deny.some((p) => matches(p, permission));
}
