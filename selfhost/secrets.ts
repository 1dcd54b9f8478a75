// First-run secrets for a node: the JWT secret, the key that encrypts secrets
// at rest, and an initial global API token. Generated once, kept in
// DATA_DIR/secrets.json with mode 0600, and used whenever the operator has not
// set the variable. Losing STREAMHUB_SECRET_KEY makes stored secrets
// unreadable, so this file belongs in backups.
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateApiToken } from "../core/crypto/api-token.ts";
import { randomBytes, toBase64Url, toHex } from "../core/crypto/encoding.ts";

export interface NodeSecrets {
  STREAMHUB_JWT_SECRET: string;
  STREAMHUB_SECRET_KEY: string;
  STREAMHUB_API_TOKEN: string;
  /** The local LiveKit's key pair, added the first time `npm start` runs one (selfhost/local-livekit.ts). */
  LIVEKIT_API_KEY?: string;
  LIVEKIT_API_SECRET?: string;
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

/** The local LiveKit's key pair from the secrets file, generated into it (atomically, mode 0600) the first time. */
export function loadOrCreateLiveKitKeys(dataDir: string): { apiKey: string; apiSecret: string } {
  const path = secretsPath(dataDir);
  const secrets = JSON.parse(readFileSync(path, "utf8")) as NodeSecrets;
  if (secrets.LIVEKIT_API_KEY && secrets.LIVEKIT_API_SECRET) return { apiKey: secrets.LIVEKIT_API_KEY, apiSecret: secrets.LIVEKIT_API_SECRET };
  // LiveKit's own key format: "API" and a short id; the secret well over its 32-character minimum.
  const keys = { LIVEKIT_API_KEY: `API${toHex(randomBytes(6))}`, LIVEKIT_API_SECRET: toBase64Url(randomBytes(32)) };
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ ...secrets, ...keys }, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
  return { apiKey: keys.LIVEKIT_API_KEY, apiSecret: keys.LIVEKIT_API_SECRET };
}
