// The files of a new Python service (`new service <name> --python`): handlers.py in the spec's form, its
// unittest, requirements.txt, and a package.json that only brings the praisonai-svc CLI (which ships the module).
import { ownPackage, rangeOf } from "../own-package.js";

export interface PythonProjectOptions {
  name: string;
  title: string;
  /** PyPI package the handler wraps (`--package`); omitted: a self-contained greeting service. */
  pkg?: string;
  praisonaiSvc: string;
}

/** The module to import for a PyPI name: PyPI folds `-` and `.`; most packages import as that name with `_`. */
export function pythonModuleOf(pkg: string): string {
  return pkg.toLowerCase().replace(/[-.]/g, "_");
}

export function pythonHandlersFile({ title, pkg }: PythonProjectOptions): string {
  const mod = pkg ? pythonModuleOf(pkg) : undefined;
  return `# The whole service: one handler that turns a validated payload into a file.
# \`npx praisonai-svc run\` serves it locally (with ./.venv/bin/python); \`npx praisonai-svc deploy azure\` puts it on Azure.
from pydantic import BaseModel, Field

from praisonai_svc import ServiceApp
${mod ? `\nimport ${mod}  # from requirements.txt (rename here if ${pkg} imports under another name)\n` : ""}

class Job(BaseModel):
    """The payload clients POST to /jobs, as JSON or YAML; anything else gets 422 with the failing fields."""

    model_config = {"json_schema_extra": {"examples": [{"name": "Ada"}]}}
    name: str = Field(min_length=1, max_length=100)


app = ServiceApp(${JSON.stringify(title)})


@app.job
def generate(payload: Job, ctx) -> tuple:
${
  mod
    ? `    # Call ${pkg} here and return the file it makes, for example:
    #   data = ${mod}.build(payload.model_dump())
    #   return data, "application/pdf", "output.pdf"
    ctx.logger.info("running ${pkg} for job %s", ctx.job_id)
    exported = ", ".join(n for n in dir(${mod}) if not n.startswith("_")) or "(nothing)"
    text = f"Hello, {payload.name}! ${pkg} exports: {exported}\\n"`
    : `    ctx.logger.info("writing a greeting for job %s", ctx.job_id)
    text = f"Hello, {payload.name}!\\n"`
}
    return text.encode(), "text/plain; charset=utf-8", "hello.txt"
`;
}

/** A unittest of the handler alone (no storage, no HTTP), run by \`npm test\` with the project's .venv. */
export function pythonTestFile(): string {
  return `"""Runs the handler directly: fast, and no storage needed. \`praisonai-svc run\` covers the rest."""

import pathlib
import sys
import unittest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "node_modules" / "praisonai-svc" / "python")]

from praisonai_svc import JobContext  # noqa: E402

from handlers import app  # noqa: E402


class HandlerTest(unittest.TestCase):
    def test_makes_a_file_for_the_example(self):
        data, content_type, filename = app.definition.call({"name": "Ada"}, JobContext(job_id="test", attempt=1))
        self.assertIn(b"Ada", data)
        self.assertTrue(content_type.startswith("text/plain"))
        self.assertEqual(filename, "hello.txt")

    def test_the_schema_refuses_an_empty_name(self):
        self.assertIn("name", app.definition.json_schema()["required"])
        with self.assertRaises(Exception):
            app.definition.parse({"name": ""})


if __name__ == "__main__":
    unittest.main()
`;
}

export function requirementsFile({ pkg }: { pkg?: string }): string {
  return [
    "# What handlers.py imports; the image and `npm run setup` install it into .venv. Pin versions for production.",
    "pydantic>=2,<3",
    ...(pkg ? [pkg] : []),
    "",
  ].join("\n");
}

/** package.json of a Python project: the CLI (and its Python module) from npm, Azurite for local runs. */
export function pythonPackageJson({ name, praisonaiSvc }: PythonProjectOptions): string {
  const own = ownPackage();
  const manifest = {
    name,
    version: "0.1.0",
    private: true,
    description: `${name}: a Python job service built with praisonai-svc`,
    engines: { node: own.engines?.node ?? ">=20.10" },
    scripts: {
      setup: "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt",
      start: "praisonai-svc run handlers.py",
      test: ".venv/bin/python -m unittest discover -s test -v",
      deploy: "praisonai-svc deploy azure",
      logs: "praisonai-svc logs",
    },
    dependencies: { "praisonai-svc": praisonaiSvc },
    devDependencies: { azurite: rangeOf("azurite") },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
