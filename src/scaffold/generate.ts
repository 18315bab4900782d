// `praisonai-svc new service`: writes a runnable one-file service project into an empty folder.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PraisonError } from "../errors.js";
import { ownPackage, PACKAGE_ROOT } from "../own-package.js";
import { dockerfile, dockerignore } from "./dockerfile.js";
import { envExample } from "./env-example.js";
import { handlersFile, handlerTestFile } from "./handlers.js";
import { type Origin, packageOrigin } from "./origin.js";
import { gitignore, packageJson, tsconfig } from "./project-files.js";
import { pythonHandlersFile, pythonPackageJson, pythonTestFile, requirementsFile } from "./python-project.js";
import { readme } from "./readme.js";
import { type Dependency, dependencyOn, VENDOR_DIR } from "./vendor.js";

/** A project that cannot be created as asked (bad name, folder not empty); the message says what to change. */
export class ScaffoldError extends PraisonError {
  constructor(message: string) {
    super("SCAFFOLD_INVALID", message);
  }
}

export interface NewServiceOptions {
  /** Project and package name; also the default Container App name, hence its rules. */
  name: string;
  /** npm package the handler imports (a PyPI package with `python`). */
  pkg?: string;
  /** A handlers.py project (Python handler, Pydantic model) instead of handlers.ts. */
  python?: boolean;
  /** Folder to create; default: ./<name>. */
  dir?: string;
  cwd?: string;
  /** Where this praisonai-svc came from; decides the dependency. @default detected from its install */
  origin?: Origin;
}

/** Lowercase letters, digits and single hyphens, 2-32 characters: valid for npm and as a Container App name. */
const SERVICE_NAME = /^[a-z](?!.*--)[a-z0-9-]{0,30}[a-z0-9]$/;
/** An npm package name, scoped or not. */
const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
/** A PyPI project name (PEP 508). */
const PYPI_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;

export function validateServiceName(name: string): void {
  if (!SERVICE_NAME.test(name)) {
    throw new ScaffoldError(
      `"${name}" is not a valid service name: use 2-32 lowercase letters, digits and single hyphens, ` +
        "starting with a letter (e.g. `praisonai-svc new service ppt-maker`).",
    );
  }
}

/** Creates the project and returns its folder, the files written and what it depends on. */
export function createServiceProject(opts: NewServiceOptions): {
  dir: string;
  files: string[];
  dependency: Dependency;
} {
  validateServiceName(opts.name);
  if (opts.python && opts.pkg !== undefined && !PYPI_NAME.test(opts.pkg)) {
    throw new ScaffoldError(`"${opts.pkg}" is not a PyPI package name (e.g. --package praisonaippt).`);
  }
  if (!opts.python && opts.pkg !== undefined && !PACKAGE_NAME.test(opts.pkg)) {
    throw new ScaffoldError(
      `"${opts.pkg}" is not an npm package name (e.g. --package pptxgenjs or @scope/name).`,
    );
  }
  const dir = path.resolve(opts.cwd ?? process.cwd(), opts.dir ?? opts.name);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new ScaffoldError(
      `${dir} already exists and is not empty: pick another name or pass --dir <empty folder>.`,
    );
  }
  const own = ownPackage();
  const origin = opts.origin ?? packageOrigin(PACKAGE_ROOT, own.name);
  const createdDir = !existsSync(dir);
  mkdirSync(dir, { recursive: true });
  let dependency: Dependency;
  try {
    dependency = dependencyOn(origin, own.version, dir);
  } catch (error) {
    rmSync(createdDir ? dir : path.join(dir, VENDOR_DIR), { recursive: true, force: true });
    throw error;
  }
  const title = opts.name
    .split("-")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(" ");
  const common = {
    ".env.example": envExample(),
    Dockerfile: dockerfile({ vendored: dependency.tarball !== undefined, python: opts.python }),
    ".dockerignore": dockerignore(),
    "README.md": readme({ name: opts.name, pkg: opts.pkg, dependency, python: opts.python }),
    ".gitignore": gitignore(),
  };
  const project = { name: opts.name, title, pkg: opts.pkg, praisonaiSvc: dependency.spec };
  const files: Record<string, string> = opts.python
    ? {
        "handlers.py": pythonHandlersFile(project),
        "requirements.txt": requirementsFile(project),
        "package.json": pythonPackageJson(project),
        "test/test_handlers.py": pythonTestFile(),
        ...common,
      }
    : {
        "handlers.ts": handlersFile({ title, pkg: opts.pkg }),
        "package.json": packageJson({ name: opts.name, pkg: opts.pkg, praisonaiSvc: dependency.spec }),
        "test/handlers.test.ts": handlerTestFile(),
        "tsconfig.json": tsconfig(),
        ...common,
      };
  for (const [file, text] of Object.entries(files)) {
    const full = path.join(dir, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  const written = Object.keys(files);
  return { dir, files: dependency.tarball ? [...written, dependency.tarball] : written, dependency };
}
