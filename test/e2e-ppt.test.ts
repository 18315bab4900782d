// The PPT example end to end: `praisonai-svc api` and `praisonai-svc worker` as processes, on Azurite.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildDeck, PPTX_MIME } from "../examples/ppt/deck.js";
import { Deck } from "../examples/ppt/schema.js";
import { parseYaml } from "../src/security/yaml.js";
import { ROOT, runCli, startApiProcess, waitForJob } from "./support/cli.js";
import { readPptx } from "./support/pptx.js";
import { isolatedEnv } from "./support/storage.js";

const HANDLERS = "examples/ppt/handlers.ts";
const sample = (name: string) => readFileSync(path.join(ROOT, "examples/ppt", name), "utf8");

async function startService({ worker = true } = {}) {
  const env = isolatedEnv();
  const { url } = await startApiProcess(HANDLERS, env);
  if (worker) runCli(["worker", HANDLERS], { env });
  return url;
}

async function submit(url: string, body: string, contentType: string): Promise<Response> {
  return fetch(`${url}/jobs`, { method: "POST", headers: { "content-type": contentType }, body });
}

/** Follows the download redirect to the signed blob URL, as a browser or `curl -L` would. */
async function download(url: string, jobId: string): Promise<Response> {
  const redirect = await fetch(`${url}/jobs/${jobId}/download`, { redirect: "manual" });
  expect(redirect.status).toBe(302);
  const location = redirect.headers.get("location");
  expect(location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*[?&]sig=/);
  const file = await fetch(location as string);
  expect(file.status).toBe(200);
  return file;
}

describe("the PPT example service", () => {
  it("turns sample.yaml and sample.json into decks, downloadable as .pptx with their titles as names", async () => {
    const url = await startService();
    const cases = [
      {
        body: sample("sample.yaml"),
        type: "application/yaml",
        deck: Deck.parse(parseYaml(sample("sample.yaml"))),
      },
      {
        body: sample("sample.json"),
        type: "application/json",
        deck: Deck.parse(JSON.parse(sample("sample.json"))),
      },
    ];
    const expected = [
      { filename: "faith-hope-and-love.pptx", slides: 10 },
      { filename: "the-lord-is-my-shepherd.pptx", slides: 7 },
    ];

    const ids: string[] = [];
    for (const c of cases) {
      const res = await submit(url, c.body, c.type);
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { job_id: string }).job_id);
    }

    for (const [i, c] of cases.entries()) {
      const want = expected[i] as (typeof expected)[number];
      const job = await waitForJob(url, ids[i] as string, { timeoutMs: 60_000 });
      expect(job).toMatchObject({ status: "done", filename: want.filename, content_type: PPTX_MIME });

      const file = await download(url, ids[i] as string);
      expect(file.headers.get("content-type")).toBe(PPTX_MIME);
      expect(file.headers.get("content-disposition")).toBe(`attachment; filename=${want.filename}`);
      const bytes = new Uint8Array(await file.arrayBuffer());
      expect(job.size).toBe(bytes.byteLength);

      const got = await readPptx(bytes);
      expect(got.slides).toHaveLength(want.slides);
      // The service's deck holds the same slides, text for text, as the builder makes on its own.
      const local = await readPptx(await buildDeck(c.deck));
      expect(got.slides.map((s) => Object.fromEntries(s.shapes))).toEqual(
        local.slides.map((s) => Object.fromEntries(s.shapes)),
      );
      expect(got.slides[0]?.shapes.get("Title")).toBe(c.deck.presentation_title);
    }
  }, 120_000);

  it("answers 422 naming `sections` when a deck has none", async () => {
    const url = await startService({ worker: false });
    const res = await submit(url, "presentation_title: No sections here\n", "application/yaml");
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as { detail: string; errors: { path: string; message: string }[] };
    expect(problem.detail).toContain("sections: is required");
    expect(problem.errors).toEqual([
      { path: "sections", message: "is required: a list of sections, each with `section` and `verses`" },
    ]);
  }, 60_000);

  it("documents the deck schema and its example payload at /openapi.json", async () => {
    const url = await startService({ worker: false });
    type Media = { schema: { required: string[] }; example: unknown };
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as {
      paths: Record<string, { post?: { requestBody: { content: Record<string, Media> } } }>;
    };
    const content = doc.paths["/jobs"]?.post?.requestBody.content ?? {};
    for (const type of ["application/json", "application/yaml"]) {
      expect(content[type]?.schema.required).toEqual(["presentation_title", "sections"]);
      expect(Deck.safeParse(content[type]?.example).success).toBe(true);
    }
  }, 60_000);
});
