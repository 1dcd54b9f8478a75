// Starts the verifying S3 (s3rver behind a SigV4-checking front) for the tests
// that run inside workerd.
import type { TestProject } from "vitest/node";
import { startVerifyingS3 } from "./verifying-s3.ts";

declare module "vitest" {
  export interface ProvidedContext {
    s3: { url: string; accessKeyId: string; secretAccessKey: string; region: string };
  }
}

export default async function setup(project: TestProject) {
  const s3 = await startVerifyingS3({ buckets: ["vods", "spare"] });
  project.provide("s3", { url: s3.url, ...s3.credentials, region: s3.region });
  return () => s3.close();
}
