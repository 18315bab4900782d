// `praisonai-svc build [file]`: compiles handlers.ts ahead of time (the image runs it while it is built),
// so a container starts the service as JavaScript, without tsx's compile on every cold start.
import path from "node:path";
import type { Command } from "commander";
import { CliError } from "../errors.js";
import { resolveHandlerFile } from "../load-app.js";

export function buildCommand(program: Command): void {
  program
    .command("build")
    .description(
      "compile the handlers file and the project files it imports to dist/handlers.mjs (packages stay in node_modules, but zod is bundled)",
    )
    .argument("[file]", "handlers file (default: handlers.ts, then handlers.js)")
    .action(async (file: string | undefined) => {
      const entry = resolveHandlerFile(file);
      if (path.extname(entry) === ".py") {
        throw new CliError(
          `${entry} is a Python service: there is nothing to compile (the image runs it as it is).`,
        );
      }
      // esbuild (a native binary) loads only here: no other command pays for it.
      const { compileHandlers } = await import("../../build/compile.js");
      const started = performance.now();
      const { outfile, sources } = await compileHandlers(entry);
      const rel = (p: string) => path.relative(process.cwd(), p) || p;
      const ms = Math.round(performance.now() - started);
      const more = sources.length > 1 ? ` and ${sources.length - 1} project file(s) it imports` : "";
      process.stdout.write(
        `Compiled ${rel(entry)}${more} to ${rel(outfile)} in ${ms} ms.\n` +
          `Start it with \`praisonai-svc api ${rel(outfile)}\` and \`praisonai-svc worker ${rel(outfile)}\`, ` +
          `or set PRAISONAI_SVC_HANDLERS=${rel(outfile)}.\n`,
      );
    });
}
