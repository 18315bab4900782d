// LibreOffice and poppler for tests: convert .pptx files to PDF (bounded in time), count pages, place words.
// .ci/run installs libreoffice-impress and poppler-utils; elsewhere install them the same way.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const INSTALL_HINT =
  "install them with: apt-get install -y --no-install-recommends libreoffice-impress poppler-utils";

/**
 * Converts each deck to PDF in one `soffice --headless` run with its own profile, so it neither meets a
 * running LibreOffice nor leaves state behind. Kills it (its whole process group) after `timeoutMs`.
 * Returns the PDF paths, in order; they live in a temp folder removed at process exit.
 */
export async function convertToPdf(decks: Uint8Array[], timeoutMs = 120_000): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "ppt-lo-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const inputs = decks.map((bytes, i) => {
    const file = path.join(dir, `deck${i + 1}.pptx`);
    writeFileSync(file, bytes);
    return file;
  });
  const args = [
    `-env:UserInstallation=file://${path.join(dir, "profile")}`,
    "--headless",
    "--norestore",
    "--convert-to",
    "pdf",
    "--outdir",
    dir,
    ...inputs,
  ];
  // Its own process group: soffice starts soffice.bin, and a timeout must stop both.
  const child = spawn("soffice", args, { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d));
  child.stderr.on("data", (d: Buffer) => (output += d));
  const code = await new Promise<number | string>((resolve, reject) => {
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
      reject(new Error(`soffice did not finish in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`could not start soffice (${e.message}); ${INSTALL_HINT}`));
    });
    child.once("exit", (c, signal) => {
      clearTimeout(timer);
      resolve(c ?? signal ?? "unknown");
    });
  });
  if (code !== 0) throw new Error(`soffice exited with ${code}:\n${output}`);
  return inputs.map((f) => f.replace(/\.pptx$/, ".pdf"));
}

function poppler(tool: string, args: string[]): string {
  try {
    return execFileSync(tool, args, { encoding: "utf8", timeout: 30_000, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    throw new Error(`${tool} failed (${(error as Error).message}); ${INSTALL_HINT}`);
  }
}

export function pdfPageCount(pdf: string): number {
  const pages = poppler("pdfinfo", [pdf]).match(/^Pages:\s+(\d+)$/m)?.[1];
  if (!pages) throw new Error(`pdfinfo gave no page count for ${pdf}`);
  return Number(pages);
}

export interface PdfWord {
  text: string;
  /** Points from the page's top-left corner. */
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

/** The words of each page in drawing order, with their boxes (`pdftotext -bbox`). */
export function pdfWords(pdf: string): PdfWord[][] {
  const html = poppler("pdftotext", ["-bbox", pdf, "-"]);
  return html
    .split("<page ")
    .slice(1)
    .map((page) =>
      [
        ...page.matchAll(
          /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
        ),
      ].map((m) => ({
        text: unescapeXml(m[5] ?? ""),
        xMin: Number(m[1]),
        yMin: Number(m[2]),
        xMax: Number(m[3]),
        yMax: Number(m[4]),
      })),
    );
}
