// Starts one in-memory Azurite for the whole test run; each test file isolates itself with unique resource names.
import type { TestProject } from "vitest/node";
import { type Azurite, startAzurite } from "../../src/local/azurite.js";

let azurite: Azurite | undefined;

export async function setup(project: TestProject): Promise<void> {
  azurite = await startAzurite();
  project.provide("azurite", { connectionString: azurite.connectionString, ports: azurite.ports });
}

export async function teardown(): Promise<void> {
  await azurite?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    azurite: { connectionString: string; ports: { blob: number; queue: number; table: number } };
  }
}
