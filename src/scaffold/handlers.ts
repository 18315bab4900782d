// The handlers.ts and handler test of a new service: a working greeting, or a stub around the given package.

export interface HandlerOptions {
  /** Human name of the service, shown by /health and the docs. */
  title: string;
  /** npm package the handler wraps (`--package`); omitted: a self-contained greeting service. */
  pkg?: string;
}

export function handlersFile({ title, pkg }: HandlerOptions): string {
  const head = [
    "// The whole service: one handler that turns a validated payload into a file.",
    "// `praisonai-svc run` serves it locally; `praisonai-svc deploy azure` puts it on Azure.",
    'import { ServiceApp } from "praisonai-svc";',
    'import { z } from "zod";',
    ...(pkg ? [`import * as generator from ${JSON.stringify(pkg)};`] : []),
    "",
    "/** The payload clients POST to /jobs, as JSON or YAML; anything else gets 422 with the failing fields. */",
    "export const Job = z.object({",
    "  name: z.string().min(1).max(100),",
    "});",
    "",
    "// /health and the docs show the version in package.json; pass { version } here to override it.",
    `const app = new ServiceApp(${JSON.stringify(title)}, { example: { name: "Ada" } });`,
    "",
  ];
  const body = pkg
    ? [
        "app.job({ schema: Job }, async (payload, ctx) => {",
        `  // Call ${pkg} here and return the file it makes, for example:`,
        "  //   const bytes = await generator.build(payload, { signal: ctx.signal });",
        '  //   return { data: bytes, contentType: "application/pdf", filename: "output.pdf" };',
        `  ctx.log.info({ job: ctx.jobId }, "running ${pkg}");`,
        '  const exported = Object.keys(generator).join(", ") || "(nothing)";',
        `  const text = \`Hello, \${payload.name}! ${pkg} exports: \${exported}\\n\`;`,
        '  return { data: text, contentType: "text/plain; charset=utf-8", filename: "hello.txt" };',
        "});",
      ]
    : [
        "app.job({ schema: Job }, async (payload, ctx) => {",
        '  ctx.log.info({ job: ctx.jobId }, "writing a greeting");',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: this line is generated source code
        "  const text = `Hello, ${payload.name}!\\n`;",
        '  return { data: text, contentType: "text/plain; charset=utf-8", filename: "hello.txt" };',
        "});",
      ];
  return [...head, ...body, "", "export default app;", ""].join("\n");
}

/** A test of the handler alone (no storage, no HTTP), run by `npm test` with Node's test runner. */
export function handlerTestFile(): string {
  return `// Runs the handler directly: fast, and no storage needed. \`praisonai-svc run\` covers the rest.
import assert from "node:assert/strict";
import { test } from "node:test";
import app from "../handlers.ts";

const ctx = {
  jobId: "test-job",
  attempt: 1,
  signal: new AbortController().signal,
  log: { info() {}, warn() {}, error() {}, debug() {} },
};

test("the example payload passes the schema", () => {
  const result = app.definition.schema?.safeParse(app.options.example);
  assert.equal(result?.success, true);
});

test("a payload without a name is refused", () => {
  assert.equal(app.definition.schema?.safeParse({}).success, false);
});

test("the handler returns a text file greeting the name", async () => {
  const file = await app.definition.handler({ name: "Ada" }, ctx);
  assert.ok(!Array.isArray(file));
  assert.equal(file.filename, "hello.txt");
  assert.match(file.contentType, /^text\\/plain/);
  assert.match(String(file.data), /Hello, Ada!/);
});
`;
}
