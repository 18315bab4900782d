// Where the running praisonai-svc came from. A new project can depend on the registry's version range only
// when this copy came from the registry; a checkout or a tarball may hold a version the registry never had.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export type Origin =
  /** Installed from the npm registry: `^version` resolves. */
  | { from: "registry" }
  /** A folder outside node_modules (a git checkout, `npm link`), or a tarball / git / URL install. */
  | { from: "checkout" | "tarball"; root: string };

interface LockEntry {
  version?: string;
  resolved?: string;
  link?: boolean;
}

/** `<registry>/<name>/-/<name>-<version>.tgz`, the only shape npm gives a registry tarball. */
function isRegistryTarball(resolved: string, name: string): boolean {
  const base = name.replace(/^@[^/]+\//, "");
  return (
    /^https?:\/\//.test(resolved) && resolved.includes(`/${name}/-/${base}-`) && resolved.endsWith(".tgz")
  );
}

/**
 * Reads npm's record of how the package at `root` was installed: the hidden lockfile
 * (node_modules/.package-lock.json) of the project that holds it, else that project's package-lock.json.
 * An entry without `resolved` is a registry install under `omit-lockfile-registry-resolved`.
 * Without any npm lockfile (yarn, pnpm), an install inside node_modules counts as a registry install.
 */
export function packageOrigin(root: string, name: string): Origin {
  const parts = path.resolve(root).split(path.sep);
  const first = parts.indexOf("node_modules");
  if (first < 0) return { from: "checkout", root };
  const project = parts.slice(0, first).join(path.sep) || path.sep;
  const key = parts.slice(first).join("/");
  for (const file of [
    path.join(project, "node_modules", ".package-lock.json"),
    path.join(project, "package-lock.json"),
  ]) {
    const entry = lockEntry(file, key);
    if (!entry) continue;
    if (entry.link) return { from: "checkout", root };
    if (entry.resolved === undefined || isRegistryTarball(entry.resolved, name)) return { from: "registry" };
    return { from: "tarball", root };
  }
  // pnpm names a tarball install's folder after its file: node_modules/.pnpm/<name>@file+…/
  return parts.some((p) => p.includes("@file+")) ? { from: "tarball", root } : { from: "registry" };
}

function lockEntry(file: string, key: string): LockEntry | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const lock = JSON.parse(readFileSync(file, "utf8")) as { packages?: Record<string, LockEntry> };
    return lock.packages?.[key];
  } catch {
    return undefined; // a damaged lockfile says nothing about where we came from
  }
}
