// The Python PPT example with the real praisonaippt from PyPI: YAML and JSON decks through the API,
// LibreOffice renders the result, and a malformed deck is refused by its Pydantic model (422).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli, startApiProcess, waitForJob } from "./support/cli.js";
import { convertToPdf, pdfPageCount } from "./support/libreoffice.js";
import { readPptx } from "./support/pptx.js";
import { isolatedEnv } from "./support/storage.js";

const HANDLERS = path.join(ROOT, "examples/ppt-python/handlers.py");
const PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

async function post(url: string, body: string, type: string) {
  const res = await fetch(`${url}/jobs`, { method: "POST", headers: { "content-type": type }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("examples/ppt-python (praisonaippt)", () => {
  it("turns the TypeScript example's YAML and its own (highlights, large_text) into decks LibreOffice renders", async () => {
    // No PRAISONAI_SVC_PYTHON: the runner finds the example's .venv beside handlers.py, as it would for a user.
    const env = isolatedEnv({
      PRAISONAI_SVC_LOG_LEVEL: "info",
      PRAISONAI_SVC_POLL_MIN: "0.1",
      PRAISONAI_SVC_POLL_MAX: "0.5",
    });
    const { proc: api, url } = await startApiProcess(HANDLERS, env);
    const worker = runCli(["worker", HANDLERS], { env });
    await worker.waitForOutput(/worker polling/, 90_000);

    const decks = [
      {
        file: "examples/ppt/sample.yaml",
        type: "application/yaml",
        slides: 10,
        name: "faith-hope-and-love.pptx",
      },
      {
        file: "examples/ppt-python/sample.yaml",
        type: "application/yaml",
        slides: 6,
        name: "the-lord-is-my-shepherd.pptx",
      },
      {
        file: "examples/ppt/sample.json",
        type: "application/json",
        slides: 10, // praisonaippt continues the long Psalm 23 verse over 5 slides
        name: "the-lord-is-my-shepherd.pptx",
      },
    ];
    const files: Buffer[] = [];
    for (const deck of decks) {
      const submitted = await post(url, readFileSync(path.join(ROOT, deck.file), "utf8"), deck.type);
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
      const job = await waitForJob(url, String(submitted.body.job_id), { timeoutMs: 90_000 });
      expect(job, JSON.stringify(job)).toMatchObject({
        status: "done",
        content_type: PPTX_MIME,
        filename: deck.name,
      });
      const bytes = Buffer.from(await (await fetch(String(job.download_url))).arrayBuffer());
      expect((await readPptx(bytes)).slides).toHaveLength(deck.slides);
      files.push(bytes);
    }
    const pdfs = await convertToPdf(files);
    expect(pdfs.map(pdfPageCount)).toEqual(decks.map((d) => d.slides));
    // praisonaippt's own print is a log line of the job, not noise on the worker's terminal.
    expect(worker.output()).toMatch(
      /"source":"python","stream":"stdout","msg":"✓ Presentation created successfully/,
    );

    worker.kill("SIGTERM");
    api.kill("SIGTERM");
    await Promise.all([worker.exited, api.exited]);
  }, 300_000);

  it("refuses a malformed deck with 422 naming each problem, before any job is queued", async () => {
    const { proc: api, url } = await startApiProcess(HANDLERS, isolatedEnv());
    const bad = await post(
      url,
      "presentation_title: ''\nsections:\n  - section: One\n    verses:\n      - reference: John 1:1\n        highlights: yes\n",
      "application/yaml",
    );
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([
        { path: "presentation_title", message: "must NOT have fewer than 1 characters" },
        { path: "sections[0].verses[0].text", message: "is required" },
      ]),
    );
    const empty = await post(
      url,
      JSON.stringify({ presentation_title: "T", sections: [] }),
      "application/json",
    );
    expect(empty.body.errors).toEqual([{ path: "sections", message: "must NOT have fewer than 1 items" }]);
    api.kill("SIGTERM");
    await api.exited;
  }, 120_000);
});
