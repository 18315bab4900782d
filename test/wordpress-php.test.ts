// Static checks of the WordPress plugin's PHP: every file parses (`php -l`), the code meets the committed
// PHP_CodeSniffer ruleset, and the translation template lists every translatable string.
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/cli.js";

const run = promisify(execFile);
const WORDPRESS = path.join(ROOT, "wordpress");

async function phpFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(".php")) out.push(path.join(entry.parentPath, entry.name));
  }
  return out.sort();
}

describe("the WordPress plugin's PHP", () => {
  it("parses with php -l, every file", async () => {
    const files = [
      ...(await phpFiles(path.join(WORDPRESS, "praisonai-svc"))),
      ...(await phpFiles(path.join(WORDPRESS, "tests"))),
    ];
    expect(files.length).toBeGreaterThan(20);
    const failed: string[] = [];
    for (const file of files) {
      await run("php", ["-l", file]).catch((e: { stdout: string }) => failed.push(e.stdout));
    }
    expect(failed).toEqual([]);
  }, 60_000);

  it("has no PHP_CodeSniffer error or warning under wordpress/phpcs.xml (PSR-12 adapted to WordPress)", async () => {
    const result = await run("phpcs", ["--standard=phpcs.xml", "--report=full", "-q"], {
      cwd: WORDPRESS,
    }).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
    expect(result.stdout).toBe("");
  }, 60_000);

  it("lists every translatable string of the plugin in languages/praisonai-svc.pot", async () => {
    const pot = await readFile(
      path.join(WORDPRESS, "praisonai-svc", "languages", "praisonai-svc.pot"),
      "utf8",
    );
    const ids = new Set([...pot.matchAll(/^msgid "((?:[^"\\]|\\.)*)"$/gm)].map((m) => m[1]));
    const missing: string[] = [];
    for (const file of await phpFiles(path.join(WORDPRESS, "praisonai-svc"))) {
      const source = await readFile(file, "utf8");
      for (const m of source.matchAll(
        /\b(?:__|_e|esc_html__|esc_html_e|esc_attr__|_n)\(\s*'((?:[^'\\]|\\.)*)'/g,
      )) {
        const id = (m[1] as string).replace(/\\'/g, "'").replace(/"/g, '\\"');
        if (!ids.has(id)) missing.push(`${path.basename(file)}: ${id}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
