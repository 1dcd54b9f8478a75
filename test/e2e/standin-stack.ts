// StreamHub wired to the LiveKit stand-in (both ways) and to a verifying S3 on
// loopback: what the recording and live-HLS tests need that the real LiveKit
// cannot give here (egress). Started together, stopped together.
import { LiveKitStandin } from "../livekit/standin.ts";
import { startVerifyingS3, type VerifyingS3 } from "../s3/verifying-s3.ts";
import { removeDataDir, startStreamHub, type RunningStreamHub } from "./harness.ts";

export interface StandinStack {
  standin: LiveKitStandin;
  s3: VerifyingS3;
  node: RunningStreamHub;
  /** The app settings that point at the verifying S3's bucket. */
  s3Settings(secret?: string): Record<string, string>;
  close(): Promise<void>;
}

export async function startStandinStack(options: { token: string; apiKey: string; apiSecret: string; bucket: string; env?: Record<string, string> }): Promise<StandinStack> {
  const s3 = await startVerifyingS3({ buckets: [options.bucket] });
  const standin = new LiveKitStandin({ apiKey: options.apiKey, apiSecret: options.apiSecret });
  const livekitUrl = await standin.listen();
  const node = await startStreamHub({
    env: { STREAMHUB_API_TOKEN: options.token, LIVEKIT_URL: livekitUrl, LIVEKIT_API_KEY: options.apiKey, LIVEKIT_API_SECRET: options.apiSecret, STREAMHUB_S3_ALLOW_PRIVATE: "1", ...options.env },
  });
  standin.setWebhookUrl(`${node.url}/api/v1/webhooks/livekit`);
  return {
    standin,
    s3,
    node,
    s3Settings: (secret = s3.credentials.secretAccessKey) => ({ provider: "minio", endpoint: s3.url, region: s3.region, bucket: options.bucket, key: s3.credentials.accessKeyId, secret }),
    close: async () => {
      await node.stop();
      removeDataDir(node.dataDir);
      await standin.close();
      await s3.close();
    },
  };
}
