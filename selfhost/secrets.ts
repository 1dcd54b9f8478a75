// First-run secrets for a node: the JWT secret, the key that encrypts secrets
// at rest, and an initial global API token. Generated once, kept in
// DATA_DIR/secrets.json with mode 0600, and used whenever the operator has not
// set the variable. Losing STREAMHUB_SECRET_KEY makes stored secrets
// unreadable, so this file belongs in backups.
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateApiToken } from "../core/crypto/api-token.ts";
import { randomBytes, toBase64Url } from "../core/crypto/encoding.ts";

export interface NodeSecrets {
  STREAMHUB_JWT_SECRET: string;
  STREAMHUB_SECRET_KEY: string;
  STREAMHUB_API_TOKEN: string;
}

export const secretsPath = (dataDir: string) => join(dataDir, "secrets.json");

/** Reads the node's secrets, generating the file on first run. `created` is true only then. */
export function loadOrCreateSecrets(dataDir: string): { secrets: NodeSecrets; created: boolean } {
  const path = secretsPath(dataDir);
  if (existsSync(path)) {
    chmodSync(path, 0o600);
    return { secrets: JSON.parse(readFileSync(path, "utf8")) as NodeSecrets, created: false };
  }
  const secrets: NodeSecrets = {
    STREAMHUB_JWT_SECRET: toBase64Url(randomBytes(32)),
    STREAMHUB_SECRET_KEY: toBase64Url(randomBytes(32)),
    STREAMHUB_API_TOKEN: generateApiToken(),
  };
  // "wx": never overwrite a file another process created in the meantime.
  writeFileSync(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  return { secrets, created: true };
}
