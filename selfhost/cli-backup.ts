// `backup` and `restore` (selfhost/backup.ts does the work): settings from
// the environment, retention here and in the bucket, and what the operator is told.
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  createBackup,
  DEFAULT_RESTORE_MAX_BYTES,
  downloadBackup,
  listUploadedBackups,
  pruneBackups,
  pruneUploadedBackups,
  restoreBackup,
  uploadBackup,
  type BackupBucket,
} from "./backup.ts";
import { CliError, EXIT, flag, nodeContext, parseArgs, positiveInt, requireStopped, say, type Args } from "./cli-context.ts";
import { openDatabase, registryDatabase } from "./cli-db.ts";

/** The operator's bucket for backups, from STREAMHUB_BACKUP_S3_* (null: none). */
function backupBucket(env: Record<string, string | undefined>): BackupBucket | null {
  const url = env.STREAMHUB_BACKUP_S3_URL;
  if (!url) return null;
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) throw new CliError("STREAMHUB_BACKUP_S3_URL must be s3://<bucket>[/<prefix>]", EXIT.usage);
  const region = env.STREAMHUB_BACKUP_S3_REGION ?? "us-east-1";
  const missing = ["STREAMHUB_BACKUP_S3_ACCESS_KEY_ID", "STREAMHUB_BACKUP_S3_SECRET_ACCESS_KEY"].filter((name) => !env[name]);
  if (missing.length) throw new CliError(`STREAMHUB_BACKUP_S3_URL is set, so ${missing.join(" and ")} must be too`, EXIT.usage);
  return {
    endpoint: env.STREAMHUB_BACKUP_S3_ENDPOINT ?? (region === "us-east-1" ? "https://s3.amazonaws.com" : `https://s3.${region}.amazonaws.com`),
    bucket: match[1]!,
    prefix: match[2] ?? "",
    region,
    accessKeyId: env.STREAMHUB_BACKUP_S3_ACCESS_KEY_ID!,
    secretAccessKey: env.STREAMHUB_BACKUP_S3_SECRET_ACCESS_KEY!,
  };
}

function backupPassphrase(args: Args): string | undefined {
  const file = flag(args, "key-file");
  const key = file ? readFileSync(file, "utf8").trim() : process.env.STREAMHUB_BACKUP_KEY;
  if (key !== undefined && key.length < 16) throw new CliError("the backup key (STREAMHUB_BACKUP_KEY or --key-file) must be at least 16 characters", EXIT.usage);
  return key || undefined;
}

export async function backup(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { out: "value", keep: "value", "key-file": "value" });
  const context = nodeContext();
  const outDir = resolve(flag(args, "out") ?? process.env.STREAMHUB_BACKUP_DIR ?? join(context.dataDir, "backups"));
  const keep = positiveInt(flag(args, "keep") ?? process.env.STREAMHUB_BACKUP_KEEP, 96, "--keep / STREAMHUB_BACKUP_KEEP");
  const passphrase = backupPassphrase(args);
  const bucket = backupBucket(process.env);
  // The archive holds secrets.json: it leaves the machine only encrypted.
  if (bucket && !passphrase) throw new CliError("uploading to STREAMHUB_BACKUP_S3_URL needs STREAMHUB_BACKUP_KEY: the archive holds the node's secrets and leaves this machine only encrypted", EXIT.usage);
  const started = Date.now();
  const made = await createBackup({ dataDir: context.dataDir, outDir, passphrase });
  const counts = made.manifest.databases.reduce<Record<string, number>>((sum, db) => ({ ...sum, [db.kind]: (sum[db.kind] ?? 0) + 1 }), {});
  say(
    `backed up ${made.manifest.databases.length} databases (${Object.entries(counts).map(([kind, n]) => `${n} ${kind}`).join(", ")})${made.manifest.secrets ? " and secrets.json" : ""} into ${made.path} (${(made.bytes / 1024).toFixed(1)} KB, ${passphrase ? "encrypted" : "NOT encrypted: keep it private, it holds secrets.json"}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const pruned = pruneBackups(outDir, keep);
  if (pruned.length) say(`retention: removed ${pruned.length} older archive${pruned.length === 1 ? "" : "s"} from ${outDir} (keeping ${keep})`);
  if (bucket) {
    const key = await uploadBackup(bucket, made.path);
    say(`uploaded to s3://${bucket.bucket}/${key}`);
    const keepRemote = positiveInt(process.env.STREAMHUB_BACKUP_S3_KEEP, keep, "STREAMHUB_BACKUP_S3_KEEP");
    const removed = await pruneUploadedBackups(bucket, keepRemote);
    if (removed.length) say(`retention: removed ${removed.length} older archive${removed.length === 1 ? "" : "s"} from the bucket (keeping ${keepRemote})`);
  }
  return EXIT.ok;
}

export async function restore(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { force: "switch", "key-file": "value" });
  const [source] = args.positional;
  if (!source) throw new CliError("usage: restore <archive | s3:latest | s3:<key>> [--force]", EXIT.usage);
  const context = nodeContext();
  requireStopped(context, "restore");
  // What the archive may unpack to at most: a forged one must not fill the disk.
  const maxBytes = positiveInt(process.env.STREAMHUB_RESTORE_MAX_MB, DEFAULT_RESTORE_MAX_BYTES / (1024 * 1024), "STREAMHUB_RESTORE_MAX_MB") * 1024 * 1024;
  let archive = resolve(source);
  let downloaded: string | null = null;
  if (source.startsWith("s3:")) {
    const bucket = backupBucket(process.env);
    if (!bucket) throw new CliError("restoring from S3 needs STREAMHUB_BACKUP_S3_URL and its keys", EXIT.usage);
    const key = source === "s3:latest" ? (await listUploadedBackups(bucket)).at(-1) : source.slice(3);
    if (!key) throw new CliError(`no backups in s3://${bucket.bucket}/${bucket.prefix}`);
    mkdirSync(context.dataDir, { recursive: true, mode: 0o700 });
    downloaded = archive = join(context.dataDir, `.download-${process.pid}-${key.split("/").pop()}`);
    await downloadBackup(bucket, key, archive);
    say(`downloaded s3://${bucket.bucket}/${key}`);
  } else if (!existsSync(archive)) throw new CliError(`no such archive: ${archive}`, EXIT.usage);
  try {
    const restored = await restoreBackup({ archive, dataDir: context.dataDir, passphrase: backupPassphrase(args), force: args.flags.has("force"), maxBytes });
    const kinds = restored.manifest.databases;
    const apps = kinds.filter((db) => db.kind === "app").map((db) => db.app ?? "?");
    // An archive of a node whose Registry was never written holds none: say so rather than count nothing.
    const registryPath = registryDatabase(context.dataDir);
    let held = "none in the archive";
    if (registryPath) {
      const registry = openDatabase(registryPath, { readOnly: true });
      const count = (table: string) => (registry.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
      held = `${count("apps")} apps, ${count("api_tokens")} API tokens, ${count("users")} users, ${count("tenants")} tenants`;
      registry.close();
    }
    say(
      `restored ${kinds.length} databases from ${restored.manifest.createdAt} (${restored.manifest.host}) into ${context.dataDir}: the Registry (${held}), ${apps.length} app databases (${apps.join(", ") || "none"}), ${kinds.filter((db) => db.kind === "quota").length} quota ledgers`,
    );
    if (restored.movedAside) say(`what was in DATA_DIR before is in ${restored.movedAside}`);
    say(
      restored.secrets === "absent"
        ? "the archive has no secrets.json: start the node with the STREAMHUB_SECRET_KEY of the node it was taken from"
        : `secrets.json ${restored.secrets === "kept" ? "was already the archive's" : "restored"}; an operator's STREAMHUB_SECRET_KEY, if set, must be the backed-up node's`,
    );
    say("start the node, then run `npm run streamhub -- doctor`");
  } finally {
    if (downloaded) rmSync(downloaded, { force: true });
  }
  return EXIT.ok;
}
