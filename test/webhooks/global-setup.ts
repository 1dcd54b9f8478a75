// Starts the verifying webhook receiver for the tests that run inside workerd.
import type { TestProject } from "vitest/node";
import { startWebhookReceiver } from "./receiver.ts";

declare module "vitest" {
  export interface ProvidedContext {
    webhookReceiverUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const receiver = await startWebhookReceiver();
  project.provide("webhookReceiverUrl", receiver.url);
  return () => receiver.close();
}
