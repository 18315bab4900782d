// Builds the WordPress plugin: the widget (TypeScript + CSS) bundled into the plugin's assets/, and with
// `--zip` the installable wordpress/build/praisonai-svc-<version>.zip (Plugins → Add New → Upload).
// Run through `npm run wordpress:build` / `npm run wordpress:zip`.
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import JSZip from "jszip";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PLUGIN_DIR = path.join(HERE, "praisonai-svc");
const WIDGET_DIR = path.join(HERE, "widget", "src");
const OUT_DIR = path.join(HERE, "build");
/** Every entry gets the same date, so the same sources make the same zip. */
const FIXED_DATE = new Date("2020-01-01T00:00:00Z");

/** Bundles the widget into one JS and one CSS file inside the plugin. */
export async function buildWidget(): Promise<void> {
  const common = {
    bundle: true,
    minify: true,
    sourcemap: false,
    legalComments: "none" as const,
    logLevel: "warning" as const,
  };
  await build({
    ...common,
    entryPoints: [path.join(WIDGET_DIR, "index.ts")],
    outfile: path.join(PLUGIN_DIR, "assets", "widget.js"),
    format: "iife",
    target: "es2020",
  });
  await build({
    ...common,
    entryPoints: [path.join(WIDGET_DIR, "widget.css")],
    outfile: path.join(PLUGIN_DIR, "assets", "widget.css"),
    target: ["chrome111", "firefox113", "safari16.2"],
  });
}

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (entry.isFile()) yield full;
  }
}

/** The plugin's version, from its header (the zip is named after it). */
export async function pluginVersion(): Promise<string> {
  const main = await readFile(path.join(PLUGIN_DIR, "praisonai-svc.php"), "utf8");
  const version = /^\s*\*\s*Version:\s*(\S+)/m.exec(main)?.[1];
  if (!version) throw new Error("praisonai-svc.php has no Version header");
  return version;
}

/** Zips the plugin folder as `praisonai-svc/…`, the layout WordPress's uploader expects. Returns the zip's path. */
export async function zipPlugin(): Promise<string> {
  const zip = new JSZip();
  for await (const file of files(PLUGIN_DIR)) {
    const rel = path.relative(PLUGIN_DIR, file).split(path.sep).join("/");
    const { mode } = await stat(file);
    zip.file(`praisonai-svc/${rel}`, await readFile(file), {
      unixPermissions: mode & 0o644,
      date: FIXED_DATE,
    });
  }
  await mkdir(OUT_DIR, { recursive: true });
  const out = path.join(OUT_DIR, `praisonai-svc-${await pluginVersion()}.zip`);
  await writeFile(
    out,
    await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE", platform: "UNIX" }),
  );
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildWidget();
  if (process.argv.includes("--zip")) console.log(path.relative(process.cwd(), await zipPlugin()));
}
