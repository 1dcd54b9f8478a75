import type { AppRecord } from "../../../../durable/registry/apps.repo.ts";
import { registry } from "../../../lib/actors.ts";
import { appNotFound } from "../../../lib/errors.ts";
import { APP_NAME } from "./schema.ts";

/** The app named in the path, or the 404 every caller gets for an app it cannot see. */
export async function findApp(env: Env, name: string): Promise<AppRecord> {
  const app = APP_NAME.test(name) ? await registry(env).getApp(name) : null;
  if (!app) throw appNotFound(name);
  return app;
}
