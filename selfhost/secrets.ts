// First-run secrets for a node: the JWT secret, the key that encrypts secrets
// at rest, and an initial global API token. Generated once, kept in
// DATA_DIR/secrets.json with mode 0600, and used whenever the operator has not
// set the variable. Losing STREAMHUB_SECRET_KEY makes stored secrets
// unreadable, so this file belongs in backups.
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateApiToken } from "../core/crypto/api-token.ts";
import { randomBytes, toBase64Url, toHex } from "../core/crypto/encoding.ts";
import { openSecret, sealSecret, secretBoxKey } from "../core/crypto/secret-box.ts";

export interface NodeSecrets {
  STREAMHUB_JWT_SECRET: string;
  STREAMHUB_SECRET_KEY: string;
  STREAMHUB_API_TOKEN: string;
  /** The local LiveKit's key pair, added the first time `npm start` runs one (selfhost/local-livekit.ts). */
  LIVEKIT_API_KEY?: string;
  LIVEKIT_API_SECRET?: string;
}

export const secretsPath = (dataDir: string) => join(dataDir, "secrets.json");
/** The first-run API token until it has been shown (and, under systemd, until the operator deletes it). */
export const firstRunTokenPath = (dataDir: string) => join(dataDir, "first-run-token");
/** A value sealed under STREAMHUB_SECRET_KEY, to tell at start whether the key still opens what is stored. */
export const secretKeyCheckPath = (dataDir: string) => join(dataDir, "secret-key-check");

/** The secrets file as it is, or null when there is none yet; throws (one line) when it cannot be read. */
export function readSecrets(dataDir: string): NodeSecrets | null {
  const path = secretsPath(dataDir);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new Error(`${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return JSON.parse(text) as NodeSecrets;
  } catch {
    throw new Error(`${path} is not valid JSON; restore it from a backup`);
  }
}

/** Fresh secrets, not yet written anywhere. */
export const generateSecrets = (): NodeSecrets => ({
  STREAMHUB_JWT_SECRET: toBase64Url(randomBytes(32)),
  STREAMHUB_SECRET_KEY: toBase64Url(randomBytes(32)),
  STREAMHUB_API_TOKEN: generateApiToken(),
});

/**
 * Writes first-run secrets (mode 0600, never over a file another process
 * created meanwhile) and keeps the new API token in `first-run-token` until it
 * has been shown: a first start that fails after this point shows it again.
 */
export function writeNewSecrets(dataDir: string, secrets: NodeSecrets, options: { keepToken: boolean }): void {
  if (options.keepToken) writeFileSync(firstRunTokenPath(dataDir), `${secrets.STREAMHUB_API_TOKEN}\n`, { mode: 0o600 });
  writeFileSync(secretsPath(dataDir), `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: "wx" });
}

/** The first-run token still waiting to be shown, or null. */
export function pendingFirstRunToken(dataDir: string): string | null {
  try {
    const path = firstRunTokenPath(dataDir);
    chmodSync(path, 0o600);
    return readFileSync(path, "utf8").trim() || null;
  } catch {
    return null;
  }
}

export const forgetFirstRunToken = (dataDir: string) => rmSync(firstRunTokenPath(dataDir), { force: true });

/** Reads the node's secrets, generating the file on first run. `created` is true only then. */
export function loadOrCreateSecrets(dataDir: string): { secrets: NodeSecrets; created: boolean } {
  const existing = readSecrets(dataDir);
  if (existing) {
    chmodSync(secretsPath(dataDir), 0o600);
    return { secrets: existing, created: false };
  }
  const secrets = generateSecrets();
  writeNewSecrets(dataDir, secrets, { keepToken: false });
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

const KEY_CHECK_CONTEXT = "streamhub/secret-key-check";
const KEY_CHECK_PLAINTEXT = "streamhub secret key check v1";

/**
 * Whether `secretKey` is the key the secrets in this DATA_DIR were sealed
 * under. The first start with a key seals a known value with it (the same
 * AES-GCM box the actors use); every later start must open it. A DATA_DIR
 * from before this check gets one at its next start, with whatever key that
 * start has (`recorded`). Whatever re-seals the stored secrets under a new key
 * (the CLI's rotate-secret-key) must call `recordSecretKey` with it.
 */
export async function checkSecretKey(dataDir: string, secretKey: string): Promise<"matches" | "recorded" | "wrong"> {
  const path = secretKeyCheckPath(dataDir);
  if (!existsSync(path)) {
    await recordSecretKey(dataDir, secretKey);
    return "recorded";
  }
  try {
    await openSecret(await secretBoxKey(secretKey), readFileSync(path, "utf8").trim(), KEY_CHECK_CONTEXT);
    return "matches";
  } catch {
    return "wrong";
  }
}

/** Seals the check value under `secretKey` (atomically, mode 0600): from now on only this key passes `checkSecretKey`. */
export async function recordSecretKey(dataDir: string, secretKey: string): Promise<void> {
  const path = secretKeyCheckPath(dataDir);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${await sealSecret(await secretBoxKey(secretKey), KEY_CHECK_PLAINTEXT, KEY_CHECK_CONTEXT)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}
