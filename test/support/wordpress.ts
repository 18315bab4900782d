// A real WordPress for end-to-end tests: a copy of Debian's /usr/share/wordpress on its own MariaDB
// database, served by `php -S` in its own process group (its workers outlive the parent), removed afterwards.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { freePort } from "../../src/local/azurite.js";

const run = promisify(execFile);
const WORDPRESS = "/usr/share/wordpress";
const E2E = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../wordpress/tests/e2e");

export interface WordPressSite {
  url: string;
  dir: string;
  database: string;
  pages: { chat: number; two: number; open: number; steps: number; plain: number };
  passwords: Record<"admin" | "alice" | "bob", string>;
  /** Runs PHP with the site's environment (for PHPUnit and CLI checks). */
  env: Record<string, string>;
  /** The server's error output so far (PHP warnings and fatal errors land here). */
  log(): string;
  stop(): Promise<void>;
}

async function mysql(sql: string): Promise<void> {
  await run("mysql", ["-h", "127.0.0.1", "-u", "root", "-e", sql]);
}

function wpConfig(database: string, url: string): string {
  const salt = () => randomBytes(32).toString("hex");
  const keys = [
    "AUTH_KEY",
    "SECURE_AUTH_KEY",
    "LOGGED_IN_KEY",
    "NONCE_KEY",
    "AUTH_SALT",
    "SECURE_AUTH_SALT",
    "LOGGED_IN_SALT",
    "NONCE_SALT",
  ];
  return `<?php
define('DB_NAME', '${database}');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', '127.0.0.1');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
${keys.map((k) => `define('${k}', '${salt()}');`).join("\n")}
$table_prefix = 'wp_';
define('WP_HOME', '${url}');
define('WP_SITEURL', '${url}');
define('FS_METHOD', 'direct');
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_DEBUG', true);
define('WP_DEBUG_DISPLAY', false);
define('WP_DEBUG_LOG', __DIR__ . '/debug.log');
if (!defined('ABSPATH')) {
    define('ABSPATH', __DIR__ . '/');
}
require_once ABSPATH . 'wp-settings.php';
`;
}

/** Installs and serves a fresh site; `name` goes into the database and folder names (shared machine). */
export async function startWordPress(name: string): Promise<WordPressSite> {
  const id = randomBytes(4).toString("hex");
  const database = `praisonai_${name}_${id}`;
  const base = await mkdtemp(path.join(tmpdir(), `praisonai-${name}-`));
  const removeAll = async () => {
    await mysql(`DROP DATABASE IF EXISTS \`${database}\``).catch(() => {});
    await rm(base, { recursive: true, force: true });
  };
  try {
    return await install(database, base, removeAll);
  } catch (error) {
    await removeAll();
    throw error;
  }
}

async function install(
  database: string,
  base: string,
  removeAll: () => Promise<void>,
): Promise<WordPressSite> {
  const dir = path.join(base, "site");
  // -L: Debian's tree holds relative symlinks that would dangle in a copy.
  await cp(WORDPRESS, dir, { recursive: true, dereference: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  await writeFile(path.join(dir, "wp-config.php"), wpConfig(database, url));
  await mkdir(path.join(dir, "wp-content", "mu-plugins"), { recursive: true });
  await copyFile(
    path.join(E2E, "mu-plugin.php"),
    path.join(dir, "wp-content", "mu-plugins", "praisonai-test-site.php"),
  );
  await mysql(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);

  const passwords = {
    admin: randomBytes(9).toString("hex"),
    alice: randomBytes(9).toString("hex"),
    bob: randomBytes(9).toString("hex"),
  };
  const env = { PRAISONAI_TEST_USERS: JSON.stringify(passwords), PRAISONAI_TEST_SITE: dir };
  const installed = await run("php", [path.join(E2E, "install-site.php"), dir], {
    env: { ...process.env, ...env },
  });
  const pages = JSON.parse(installed.stdout.trim().split("\n").pop() ?? "{}") as WordPressSite["pages"];

  const server: ChildProcess = spawn("php", ["-S", `127.0.0.1:${port}`, "-t", dir], {
    detached: true, // its own process group, stopped as a whole
    env: { ...process.env, PHP_CLI_SERVER_WORKERS: "4" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let errors = "";
  server.stderr?.on("data", (d: Buffer) => {
    errors += d.toString();
  });
  const stopServer = async () => {
    if (server.pid && server.exitCode === null) {
      const exited = new Promise((r) => server.once("exit", r));
      process.kill(-server.pid, "SIGTERM");
      await exited;
    }
  };
  await waitForHttp(`${url}/wp-login.php`, server).catch(async (error: unknown) => {
    await stopServer();
    throw error;
  });

  return {
    url,
    dir,
    database,
    pages,
    passwords,
    env,
    log: () => errors,
    async stop() {
      await stopServer();
      await removeAll();
    },
  };
}

async function waitForHttp(url: string, proc: ChildProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    if (proc.exitCode !== null) throw new Error(`php -S exited with ${proc.exitCode}`);
    if (Date.now() > deadline) throw new Error(`no answer from ${url}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The PHP debug log of the site (notices and warnings of every request), empty when there is none. */
export async function debugLog(site: WordPressSite): Promise<string> {
  return readFile(path.join(site.dir, "debug.log"), "utf8").catch(() => "");
}
