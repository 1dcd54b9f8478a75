import { z } from "@hono/zod-openapi";
import { TenantSchema, UsageReportSchema } from "../tenants/schema.ts";
import { UserSchema } from "../users/schema.ts";

/** The caller's own tenant with its members and usage: what the original StreamHub's dashboard reads as "my team". */
export const MyTeamSchema = z.object({ team: TenantSchema, members: z.array(UserSchema), usage: UsageReportSchema });
