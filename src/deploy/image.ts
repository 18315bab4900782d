// The image to deploy: checks the build context and tags it by its content, so unchanged code is not rebuilt.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { Az } from "./az.js";
import { DeployInputError } from "./errors.js";

/** `az acr build --timeout`: the longest a cloud build may run, in seconds. */
export const BUILD_TIMEOUT_SECONDS = 3600;
/** How long the CLI waits for `az acr build`: the cloud's own limit, plus time to upload and report. */
export const BUILD_WAIT_MS = (BUILD_TIMEOUT_SECONDS + 10 * 60) * 1000;

/** Never part of the image (and they change between runs: the template itself lives in azure/). */
const ALWAYS_IGNORED = ["node_modules", ".git", ".praisonai-svc", "azure", ".env"];
/** Stop hashing past this many files: a build context that large is a mistake worth reporting. */
const MAX_FILES = 20_000;

/** The project must have what `az acr build` needs: a Dockerfile and a lock file for `npm ci`. */
export function checkBuildContext(dir: string): void {
  if (!existsSync(path.join(dir, "Dockerfile"))) {
    throw new DeployInputError(
      `No Dockerfile in ${dir}. Create the project with \`praisonai-svc new service <name>\`, ` +
        "or copy the Dockerfile of a new project into this one.",
    );
  }
  if (!existsSync(path.join(dir, "package-lock.json"))) {
    throw new DeployInputError(
      `No package-lock.json in ${dir}: run \`npm install\` first (the image installs with \`npm ci\`).`,
    );
  }
  const ignored = ignoreRules(dir);
  for (const source of copiedFiles(readFileSync(path.join(dir, "Dockerfile"), "utf8"))) {
    if (!existsSync(path.join(dir, source))) {
      throw new DeployInputError(
        `The Dockerfile copies ${source}, which is not in ${dir}: create it` +
          (source === "requirements.txt" ? " (what handlers.py imports, one package a line)" : "") +
          ", or remove that line from the Dockerfile.",
      );
    }
    if (ignored(source)) {
      throw new DeployInputError(
        `The Dockerfile copies ${source}, but .dockerignore keeps it out of the build: remove the rule that matches it.`,
      );
    }
  }
  // A virtualenv holds links to this machine's interpreter: in the image it is dead weight that breaks.
  if (existsSync(path.join(dir, ".venv")) && !ignored(".venv")) {
    throw new DeployInputError(
      `${dir}/.venv would be uploaded and copied into the image: add a line \`.venv\` to .dockerignore ` +
        "(the image installs requirements.txt into its own venv).",
    );
  }
}

/** The single files (not folders, not globs, not from another stage) the Dockerfile copies from the project. */
function copiedFiles(dockerfile: string): string[] {
  const files: string[] = [];
  for (const line of dockerfile.split("\n")) {
    const words = line.trim().split(/\s+/);
    if (words[0]?.toUpperCase() !== "COPY" || words.some((w) => w.startsWith("--from"))) continue;
    const sources = words.slice(1, -1).filter((w) => !w.startsWith("--"));
    files.push(...sources.filter((s) => /^[\w.-]+\.\w+$/.test(s) && !s.includes("*")));
  }
  return files;
}

/** Simple .dockerignore entries: exact names and `*.ext` patterns, anywhere in the tree. */
function ignoreRules(dir: string): (name: string) => boolean {
  const file = path.join(dir, ".dockerignore");
  const lines = existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .map((l) => l.trim().replace(/^\/+|\/+$/g, ""))
        .filter((l) => l && !l.startsWith("#") && !l.startsWith("!"))
    : [];
  const names = new Set([...ALWAYS_IGNORED, ...lines.filter((l) => !l.includes("*"))]);
  const suffixes = lines.filter((l) => /^\*\.[^*/]+$/.test(l)).map((l) => l.slice(1));
  return (name) => names.has(name) || suffixes.some((s) => name.endsWith(s));
}

/** A tag that changes exactly when a file that goes into the image changes: `src-<12 hex>`. */
export function sourceTag(dir: string): string {
  const ignored = ignoreRules(dir);
  const hash = createHash("sha256");
  let count = 0;
  const walk = (rel: string) => {
    const entries = readdirSync(path.join(dir, rel)).sort();
    for (const name of entries) {
      if (ignored(name)) continue;
      const relPath = rel ? `${rel}/${name}` : name;
      const stat = statSync(path.join(dir, relPath));
      if (stat.isDirectory()) {
        walk(relPath);
      } else if (stat.isFile()) {
        if (++count > MAX_FILES) {
          throw new DeployInputError(
            `More than ${MAX_FILES} files would go into the image: add the large folders to .dockerignore.`,
          );
        }
        hash.update(`${relPath}\0`);
        hash.update(
          createHash("sha256")
            .update(readFileSync(path.join(dir, relPath)))
            .digest(),
        );
      }
    }
  };
  walk("");
  return `src-${hash.digest("hex").slice(0, 12)}`;
}

/**
 * Whether the registry already holds `repository:tag`. Asked with two listings rather than
 * `az acr repository show`, which answers an unknown repository with exit 1 and only an error text
 * ("repository name not known to registry"): an answer to read, not an error to parse.
 */
export async function imageExists(
  az: Az,
  registry: string,
  repository: string,
  tag: string,
): Promise<boolean> {
  const repositories = (await az.read<string[]>(["acr", "repository", "list", "--name", registry])) ?? [];
  if (!repositories.includes(repository)) return false;
  const tags =
    (await az.read<string[]>([
      "acr",
      "repository",
      "show-tags",
      "--name",
      registry,
      "--repository",
      repository,
    ])) ?? [];
  return tags.includes(tag);
}
