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
