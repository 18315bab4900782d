// Builds dist/ if the sources changed since the last build (the CLI runs from dist/), then starts one in-memory
// Azurite for the whole test run; each test file isolates itself with unique resource names.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { type Azurite, startAzurite } from "../../src/local/azurite.js";
import { ensureFreshBuild } from "./fresh-build.js";

let azurite: Azurite | undefined;

export async function setup(project: TestProject): Promise<void> {
  ensureFreshBuild(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../.."));
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
