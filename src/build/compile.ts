// `praisonai-svc build`: bundles a handlers file and the project files it imports into one ES module with a
// source map, leaving packages to node_modules, so that a container starts it without tsx.
import { readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import path from "node:path";
import type { BuildFailure, Loader, Message, Plugin } from "esbuild";
import { PraisonError } from "../errors.js";
import { writeManifest } from "./manifest.js";

/** Where the compiled file goes, relative to the handlers file's folder. */
export const BUILD_DIR = "dist";

/** The handlers file could not be compiled; the message lists esbuild's errors with their file:line. */
export class BuildError extends PraisonError {
  constructor(message: string) {
    super("BUILD_FAILED", message);
  }
}

export interface Compiled {
  /** The compiled file (absolute): `dist/handlers.mjs` beside the handlers file. */
  outfile: string;
  /** The project files bundled into it (absolute), the handlers file first. */
  sources: string[];
}

/** `.mjs` whatever package.json says: the output is an ES module, and Node loads it as one. */
export function outfileFor(entry: string): string {
  return path.join(path.dirname(entry), BUILD_DIR, `${path.basename(entry).replace(/\.[^.]+$/, "")}.mjs`);
}

export async function compileHandlers(entry: string): Promise<Compiled> {
  const { build } = await import("esbuild");
  const projectDir = path.dirname(entry);
  const outfile = outfileFor(entry);
  let inputs: string[];
  try {
    const result = await build({
      entryPoints: [entry],
      outfile,
      absWorkingDir: projectDir,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      // Linked, without the sources' text: stack traces name handlers.ts lines; the map stays small.
      sourcemap: "linked",
      sourcesContent: false,
      metafile: true,
      logLevel: "silent",
      banner: { js: `const ${BUNDLE_URL} = import.meta.url;` },
      define: Object.fromEntries(
        Object.entries(FILE_META).map(([meta, name]) => [`import.meta.${meta}`, name]),
      ),
      plugins: [packagesStayExternal, unmappedPackages, ownFileUrls(outfile)],
    });
    // The project's own files: a start hashes each to tell whether the build is current, and zod's 95
    // bundled files would only slow that down (an image builds after `npm ci`, so its zod is the bundled one).
    inputs = Object.keys(result.metafile.inputs)
      .map((input) => path.resolve(projectDir, input))
      .filter((input) => !input.split(path.sep).includes("node_modules"));
  } catch (error) {
    const failure = error as Partial<BuildFailure>;
    if (!Array.isArray(failure.errors)) throw error;
    throw new BuildError(
      `Could not compile ${path.basename(entry)}:\n${failure.errors.map((m) => `  ${describe(m, projectDir)}`).join("\n")}`,
    );
  }
  const sources = [entry, ...inputs.filter((input) => input !== entry)];
  writeManifest(outfile, entry, sources);
  return { outfile, sources };
}

/** `handlers.ts:3:7: Expected ";" but found "x"`. */
function describe(m: Message, projectDir: string): string {
  if (!m.location) return m.text;
  const file = path.relative(projectDir, path.resolve(projectDir, m.location.file));
  return `${file}:${m.location.line}:${m.location.column + 1}: ${m.text}`;
}

/**
 * Packages (bare imports) are imported from node_modules at run time, as under tsx: one copy of
 * praisonai-svc in the process, native modules keep working, packages that read files beside their own code
 * find them. Each must resolve now, so a package missing from the image's production install
 * (`npm ci --omit=dev`) fails the image build, not a job.
 *
 * zod is the exception, bundled: as the 95 separate ES modules of node_modules/zod it takes 50-90 ms to
 * load, bundled 25-45 ms, and a `new service` handlers file imports it to declare its schema (start-up fix 11
 * in docs/performance.md). It is safe to copy: pure JavaScript with no dependencies and no files of its own
 * to read, and praisonai-svc's CLI never imports it for a schema that came from it (it calls the schema's own
 * methods, src/app/validator.ts), so the process still holds one copy. Other packages stay external: their
 * load time is theirs to measure, and bundling one can break it (native modules, files read by path).
 */
const packagesStayExternal: Plugin = {
  name: "packages-stay-external",
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === CHECKING || args.kind === "entry-point") return undefined;
      if (args.path.startsWith(".") || path.isAbsolute(args.path)) return undefined;
      if (isBuiltin(args.path)) return { path: args.path, external: true };
      const found = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: CHECKING,
      });
      if (found.errors.length === 0) {
        return BUNDLED_PACKAGE.test(args.path) ? { path: found.path } : { path: args.path, external: true };
      }
      const name = args.path.startsWith("@")
        ? args.path.split("/").slice(0, 2).join("/")
        : args.path.split("/")[0];
      return {
        errors: [
          {
            text: `Cannot find package "${args.path}": install it with \`npm install ${name}\` (a package the handler imports belongs in "dependencies": the image installs no devDependencies).`,
          },
        ],
      };
    });
  },
};
const CHECKING = Symbol("resolving for the check");
/** `zod`, `zod/v4`, `zod/mini`…: bundled (see packagesStayExternal). */
const BUNDLED_PACKAGE = /^zod(\/|$)/;

/**
 * Bundled packages' code (zod's) gets one source-map line per file instead of one per token: Node reads
 * dist/handlers.mjs.map as the service starts (source maps are on, for handlers.ts stack traces), and zod's
 * full mappings made it 446 kB instead of 23 kB, costing 15-30 ms at start: most of what bundling saves. Each
 * such file carries an input map whose only mapping is its own first line, which esbuild composes into the
 * output; a stack frame inside zod then names a zod file at line 1 instead of the exact place (handlers.ts
 * lines map as before). An input map with no mappings at all esbuild ignores, mapping every token again.
 */
const unmappedPackages: Plugin = {
  name: "unmapped-packages",
  setup(build) {
    build.onLoad({ filter: /\.[cm]?js$/ }, (args) => {
      if (!args.path.split(path.sep).includes("node_modules")) return undefined;
      const map = { version: 3, sources: [path.basename(args.path)], names: [], mappings: "AAAA" };
      const comment = `//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString("base64")}`;
      return { contents: `${readFileSync(args.path, "utf8")}\n${comment}\n`, loader: "js" };
    });
  },
};

/** The bundle's own URL, taken once at its top (esbuild's banner), from which each file's URL is derived. */
const BUNDLE_URL = "__praisonai_bundle_url";
/** What `import.meta.*` becomes in a bundled file: a constant of that file, declared by ownFileUrls. */
const FILE_META = {
  url: "__praisonai_url",
  filename: "__praisonai_filename",
  dirname: "__praisonai_dirname",
};

/**
 * In one bundle every file would share the bundle's import.meta.url, so `new URL("./template.pptx",
 * import.meta.url)` in handlers.ts would look in dist/. Each project file that uses import.meta gets its
 * own URL, filename and dirname, relative to the bundle (the image may put the project anywhere); they are
 * declared on the file's first line, so the source map's line numbers hold.
 */
function ownFileUrls(outfile: string): Plugin {
  return {
    name: "own-file-urls",
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
        if (args.path.split(path.sep).includes("node_modules")) return undefined;
        const text = readFileSync(args.path, "utf8");
        if (!text.includes("import.meta")) return undefined;
        const relative = path
          .relative(path.dirname(outfile), args.path)
          .split(path.sep)
          .map((segment) => (segment === ".." ? segment : encodeURIComponent(segment)))
          .join("/");
        const prelude =
          `import { fileURLToPath as __praisonai_path } from "node:url"; ` +
          `import { dirname as __praisonai_parent } from "node:path"; ` +
          `const ${FILE_META.url} = new URL(${JSON.stringify(relative)}, ${BUNDLE_URL}).href, ` +
          `${FILE_META.filename} = __praisonai_path(${FILE_META.url}), ` +
          `${FILE_META.dirname} = __praisonai_parent(${FILE_META.filename}); `;
        return { contents: prelude + text, loader: loaderFor(args.path) };
      });
    },
  };
}

function loaderFor(file: string): Loader {
  const ext = path.extname(file);
  if (ext === ".tsx" || ext === ".jsx") return ext.slice(1) as Loader;
  return /^\.[cm]?ts$/.test(ext) ? "ts" : "js";
}
