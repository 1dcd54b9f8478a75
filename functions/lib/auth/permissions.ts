// Who may do what: one declarative table from roles to `resource:action`
// permissions (API.md §0). Routes declare the permission they need; the
// authorize middleware checks it against this table.

export type Resource =
  | "app"
  | "config"
  | "token"
  | "tenant"
  | "member"
  | "user"
  | "usage"
  | "audit"
  | "log"
  | "s3"
  | "stream"
  | "recording"
  | "vod"
  | "broadcast"
  | "sample"
  | "ingress";
export type Action = "read" | "create" | "write" | "delete" | "start" | "stop";
export type Permission = `${Resource}:${Action}`;

/** What a route requires: a permission, superadmin (global `sk_` or superadmin login), or only a valid credential. */
export type Requirement = Permission | "superadmin" | "authenticated";

export type TenantRole = "owner" | "editor" | "viewer";

interface Grants {
  allow: string[];
  /** Exceptions to `allow`: what even a matching wildcard does not give. */
  deny: string[];
}

export const ROLE_PERMISSIONS: Record<TenantRole, Grants> = {
  owner: { allow: ["*:*"], deny: [] },
  editor: {
    allow: ["*:read", "app:create", "app:write", "config:write", "s3:write", "stream:*", "recording:*", "vod:write", "vod:delete", "broadcast:*", "sample:write", "ingress:*"],
    // The audit log and the tenant's API tokens are for owners.
    deny: ["audit:read", "token:read"],
  },
  viewer: { allow: ["*:read"], deny: ["audit:read", "token:read"] },
};

const matches = (pattern: string, permission: Permission) => {
  const [resource, action] = permission.split(":");
  const [patternResource, patternAction] = pattern.split(":");
  return (patternResource === "*" || patternResource === resource) && (patternAction === "*" || patternAction === action);
};

export function roleCan(role: TenantRole, permission: Permission): boolean {
  const grants = ROLE_PERMISSIONS[role];
  return grants.allow.some((p) => matches(p, permission)) && !grants.deny.some((p) => matches(p, permission));
}

/**
 * What an app-scoped `sk_` token may do outside its own app's routes (on its
 * own app it may do everything): see its app in the app list.
 */
export const APP_TOKEN_GLOBAL_PERMISSIONS: readonly Permission[] = ["app:read"];
