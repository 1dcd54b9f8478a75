import { isPrivateTarget } from "../../../../../core/net.ts";
import type { Config } from "../../../../../core/config.ts";
import { ApiError } from "../../../../lib/errors.ts";

/** A target on this node or a private network is refused unless the operator allows it (SSRF). */
export async function refusePrivate(config: Config, url: string) {
  if (!config.STREAMHUB_WEBHOOK_ALLOW_PRIVATE && isPrivateTarget(url)) {
    throw new ApiError("webhook_url_private", "the URL points at a private, loopback or metadata address (STREAMHUB_WEBHOOK_ALLOW_PRIVATE=1 allows it)");
  }
}
