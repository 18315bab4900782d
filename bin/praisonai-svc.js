#!/usr/bin/env node
// CLI entry: registers tsx so a service's handlers.ts loads without a build step, then runs the CLI.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../dist/cli/main.js");
await main(process.argv);
