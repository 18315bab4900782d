// Where browser tests save their screenshots: a temporary folder on every run (so `npm test` leaves the
// checkout clean), and docs/images when PRAISONAI_SVC_UPDATE_SCREENSHOTS=1 (`npm run docs:screenshots`).
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./cli.js";

export const SCREENSHOTS_DIR =
  process.env.PRAISONAI_SVC_UPDATE_SCREENSHOTS === "1"
    ? path.join(ROOT, "docs", "images")
    : mkdtempSync(path.join(os.tmpdir(), "praisonai-screenshots-"));
