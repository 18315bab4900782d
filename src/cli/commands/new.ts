// `praisonai-svc new service <name> [--package <pkg>]`: scaffolds a runnable one-file service project.
import path from "node:path";
import type { Command } from "commander";
import { createServiceProject } from "../../scaffold/generate.js";
import type { Dependency } from "../../scaffold/vendor.js";
import { CliError } from "../errors.js";

export function newCommand(program: Command): void {
  program
    .command("new")
    .description("create a new project: `praisonai-svc new service <name> [--package <pkg>]`")
    .argument("<kind>", "what to create: service")
    .argument("<name>", "project name: lowercase letters, digits and hyphens (also the Azure app name)")
    .option(
      "--package <pkg>",
      "package the handler wraps: npm (imported in handlers.ts, added to dependencies), or PyPI with --python (requirements.txt)",
    )
    .option("--python", "a Python service: handlers.py with a Pydantic model, requirements.txt, a unittest")
    .option("--dir <dir>", "folder to create (default: ./<name>)")
    .action((kind: string, name: string, opts: { package?: string; dir?: string; python?: boolean }) => {
      if (kind !== "service") {
        throw new CliError(
          `Unknown kind "${kind}": the only kind is \`service\` (praisonai-svc new service ${name}).`,
        );
      }
      const { dir, files, dependency } = createServiceProject({
        name,
        pkg: opts.package,
        dir: opts.dir,
        python: opts.python,
      });
      const rel = path.relative(process.cwd(), dir) || ".";
      const lines = [
        `Created ${name} in ${dir}:`,
        ...files.map((f) => `  ${f}`),
        "",
        ...dependencyNote(dependency),
        "",
        "Next:",
        `  cd ${rel}`,
        "  npm install",
        ...(opts.python ? ["  npm run setup                 # .venv with requirements.txt"] : []),
        "  npx praisonai-svc run         # API + worker on local storage",
        "  npm test                      # the handler's test",
        "  npx praisonai-svc deploy azure --dry-run",
        "",
      ];
      process.stdout.write(`${lines.join("\n")}`);
    });
}

function dependencyNote({ spec, origin, tarball }: Dependency): string[] {
  if (!tarball || origin.from === "registry")
    return [`It depends on praisonai-svc ${spec} from the npm registry.`];
  const what = origin.from === "checkout" ? "a checkout" : "a tarball install";
  return [
    `This praisonai-svc is ${what} (${origin.root}), not a copy from the npm registry, so the project`,
    `depends on ${tarball}, packed from it (see "Where praisonai-svc comes from" in its README).`,
  ];
}
