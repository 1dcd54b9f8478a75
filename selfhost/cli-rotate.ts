// `rotate-secret-key`: every stored secret re-sealed under a new key.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes, toBase64Url } from "../core/crypto/encoding.ts";
import { openSecret, sealSecret, secretBoxKey } from "../core/crypto/secret-box.ts";
import { CliError, EXIT, flag, nodeContext, parseArgs, requireStopped, say } from "./cli-context.ts";
import { listDatabases, NodeSqliteDriver, openDatabase } from "./cli-db.ts";
import { appNameOf, sealedValues } from "./cli-sealed.ts";
import { recordSecretKey, secretsPath, type NodeSecrets } from "./secrets.ts";


/**
 * Offline only: the running Worker holds the old key in its environment and
 * would go on sealing (and failing to open) with it. Resumable: the new key
 * is written to `secrets.json.rotating` before anything else changes, each
 * value already sealed under it is left as is, and secrets.json takes the new
 * key only once every database is done.
 */
export async function rotateSecretKey(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { "new-key-file": "value" });
  const context = nodeContext();
  requireStopped(context, "rotate the key");
  const oldKey = context.env.STREAMHUB_SECRET_KEY;
  if (!oldKey) throw new CliError("STREAMHUB_SECRET_KEY is unset and DATA_DIR has no secrets.json: there is no key to rotate");
  const fromEnvironment = Boolean(process.env.STREAMHUB_SECRET_KEY);
  const pendingFile = `${secretsPath(context.dataDir)}.rotating`;
  const newKeyFile = flag(args, "new-key-file");
  let newKey: string;
  if (existsSync(pendingFile)) {
    newKey = (JSON.parse(readFileSync(pendingFile, "utf8")) as { STREAMHUB_SECRET_KEY: string }).STREAMHUB_SECRET_KEY;
    say(`resuming the rotation recorded in ${pendingFile}`);
  } else if (newKeyFile) {
    newKey = readFileSync(newKeyFile, "utf8").trim();
  } else if (fromEnvironment) {
    throw new CliError("STREAMHUB_SECRET_KEY comes from the environment: write the new key (≥ 32 characters) to a file, pass --new-key-file, then set the variable to it", EXIT.usage);
  } else {
    newKey = toBase64Url(randomBytes(32));
  }
  if (newKey.length < 32) throw new CliError("the new key must be at least 32 characters", EXIT.usage);
  if (newKey === oldKey) throw new CliError("the new key is the current key", EXIT.usage);
  writeFileSync(pendingFile, `${JSON.stringify({ STREAMHUB_SECRET_KEY: newKey })}\n`, { mode: 0o600 });

  const [oldBox, newBox] = await Promise.all([secretBoxKey(oldKey), secretBoxKey(newKey)]);
  const apps = listDatabases(context.dataDir).filter((db) => db.kind === "app");
  // First every value is checked, nothing written: a value neither key opens stops the rotation.
  const plan: { path: string; updates: { text: string; params: string[] }[]; done: number }[] = [];
  const unopenable: string[] = [];
  for (const file of apps) {
    const path = join(context.dataDir, file.path);
    const db = openDatabase(path, { readOnly: true });
    const entry = { path, updates: [] as { text: string; params: string[] }[], done: 0 };
    try {
      const app = appNameOf(db);
      if (!app) continue;
      for (const value of sealedValues(db, app)) {
        const plaintext = await openSecret(oldBox, value.sealed, value.context).catch(() => null);
        if (plaintext !== null) entry.updates.push({ text: value.update.text, params: [await sealSecret(newBox, plaintext, value.context), ...value.update.params] });
        else if ((await openSecret(newBox, value.sealed, value.context).catch(() => null)) !== null) entry.done++;
        else unopenable.push(value.label);
      }
    } finally {
      db.close();
    }
    plan.push(entry);
  }
  if (unopenable.length) {
    throw new CliError(`neither the current nor the new key opens ${unopenable.length} stored secrets (${unopenable.slice(0, 3).join("; ")}): nothing was changed; is STREAMHUB_SECRET_KEY the node's key?`);
  }
  let resealed = 0;
  for (const entry of plan) {
    if (entry.updates.length === 0) continue;
    const db = openDatabase(entry.path, { readOnly: false });
    try {
      await new NodeSqliteDriver(db).batch(entry.updates);
      resealed += entry.updates.length;
    } finally {
      db.close();
    }
  }
  const already = plan.reduce((sum, entry) => sum + entry.done, 0);
  say(`re-sealed ${resealed} secrets in ${plan.length} app databases under the new key${already ? ` (${already} were already)` : ""}`);
  // npm start refuses a key that does not open DATA_DIR/secret-key-check: it must learn the new one.
  await recordSecretKey(context.dataDir, newKey);
  if (fromEnvironment) {
    rmSync(pendingFile);
    say(`now set STREAMHUB_SECRET_KEY to the new key (from ${newKeyFile ?? "the file you gave"}) where the node reads it (/etc/streamhub.env), then start the node; the old key opens nothing any more`);
  } else {
    const file = secretsPath(context.dataDir);
    const secrets = { ...(JSON.parse(readFileSync(file, "utf8")) as NodeSecrets), STREAMHUB_SECRET_KEY: newKey };
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, file);
    rmSync(pendingFile);
    say(`secrets.json holds the new key; start the node. Backups made before now need the old key's secrets.json`);
  }
  return EXIT.ok;
}
