// Which Python the tests use for handlers that need Pydantic: the PPT example's venv (.ci/run creates it from
// examples/ppt-python/requirements.txt), else python3 on PATH.
import { existsSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./cli.js";

export const EXAMPLE_VENV_PYTHON = path.join(ROOT, "examples/ppt-python/.venv/bin/python");

export const PYDANTIC_PYTHON = existsSync(EXAMPLE_VENV_PYTHON) ? EXAMPLE_VENV_PYTHON : "python3";
