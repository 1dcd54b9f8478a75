// Starts the LiveKit stand-in for the tests that run inside workerd. Their
// StreamHub is not on the network, so the stand-in keeps its webhooks and
// hands them back from each control call; the tests forward them.
import type { TestProject } from "vitest/node";
import { LiveKitStandin } from "./standin.ts";

export const LIVEKIT_TEST_KEY = "APIstreamhubtest";
export const LIVEKIT_TEST_SECRET = "livekit-test-secret-0123456789abcdef0123";

declare module "vitest" {
  export interface ProvidedContext {
    livekitUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const standin = new LiveKitStandin({ apiKey: LIVEKIT_TEST_KEY, apiSecret: LIVEKIT_TEST_SECRET });
  project.provide("livekitUrl", await standin.listen());
  return () => standin.close();
}
