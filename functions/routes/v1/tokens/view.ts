import type { ApiTokenView } from "../../../../durable/registry/api-tokens.repo.ts";
import { registry } from "../../../../core/actors.ts";

/** The API's token shape: the stored view plus the bound app's name. */
export async function withAppName(env: Env, token: ApiTokenView, appNames: Map<number, string | null> = new Map()) {
  let app: string | null = null;
  if (token.appId !== null) {
    if (!appNames.has(token.appId)) {
      const { apps } = await registry(env).listApps({ appId: token.appId }, 1, 0);
      appNames.set(token.appId, apps[0]?.name ?? null);
    }
    app = appNames.get(token.appId) ?? null;
  }
  return { ...token, app };
}
