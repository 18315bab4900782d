// Runs the Azure CLI: JSON in and out, secrets masked wherever a command is shown, changes skipped in a dry run.
import { spawn } from "node:child_process";
import { AzCommandError, AzMissingError, AzNotLoggedInError } from "./errors.js";
import { formatDuration } from "./progress.js";

export interface AzOptions {
  /** Print commands that change Azure instead of running them; read-only commands still run. */
  dryRun?: boolean;
  /** Show every command as it runs. */
  verbose?: boolean;
  /** Where commands are shown (verbose, dry run). */
  write?: (line: string) => void;
  /** Longest one command may run before it is stopped. @default 30 minutes */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface CallOptions {
  /** A missing resource is an answer (undefined), not an error. */
  notFoundOk?: boolean;
  /** Text shown under the error when the command fails. */
  hint?: string;
  /** Longest this command may run (e.g. a cloud build's own timeout plus a margin). @default AzOptions.timeoutMs */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000;
const NOT_LOGGED_IN = /az login|AADSTS\d+|no subscriptions? found|token (has )?expired|refresh token/i;
// Exit code 3 is the CLI's "resource not found"; older commands only say so in the message.
const NOT_FOUND =
  /\((ResourceNotFound|ResourceGroupNotFound|DeploymentNotFound|NotFound|RepositoryNotFound|ManifestUnknown|ContainerAppSecretNotFound)\)|could not be found|was not found|not found/i;

export class Az {
  readonly #opts: AzOptions;
  readonly #secrets = new Set<string>();
  /** Every command shown or run, in order, secrets masked. */
  readonly commands: { command: string; ran: boolean }[] = [];

  constructor(opts: AzOptions = {}) {
    this.#opts = opts;
  }

  get dryRun(): boolean {
    return Boolean(this.#opts.dryRun);
  }

  /** Registers a value never to be shown (API keys, connection strings). */
  secret(value: string): void {
    if (value.length >= 4) this.#secrets.add(value);
  }

  mask(text: string): string {
    let out = text;
    for (const s of this.#secrets) out = out.split(s).join("***");
    return out;
  }

  /** A read-only command: runs in every mode. */
  read<T>(args: string[], opts: CallOptions = {}): Promise<T | undefined> {
    return this.#run<T>(args, opts, false);
  }

  /** A command that changes Azure: in a dry run it is only printed, and resolves to undefined. */
  change<T>(args: string[], opts: CallOptions = {}): Promise<T | undefined> {
    return this.#run<T>(args, opts, true);
  }

  display(args: string[]): string {
    return this.mask(["az", ...args].map(quote).join(" "));
  }

  /**
   * Runs a read-only command with its output on this process's stdout as it comes (`logs --follow`);
   * Ctrl-C stops it. Resolves with 0 once it ends; errors are this class's errors.
   */
  async stream(args: string[], opts: CallOptions = {}): Promise<number> {
    const shown = this.display(args);
    this.commands.push({ command: shown, ran: true });
    const result = await exec(args, this.#opts, this.#opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, "inherit");
    if (result.code === 0) return 0;
    throw this.#failure(shown, result, opts);
  }

  #failure(shown: string, result: ExecResult, opts: CallOptions): Error {
    if (NOT_LOGGED_IN.test(result.stderr)) return new AzNotLoggedInError();
    return new AzCommandError(shown, result.code, this.mask(result.stderr), opts.hint);
  }

  async #run<T>(args: string[], opts: CallOptions, mutates: boolean): Promise<T | undefined> {
    const shown = this.display(args);
    const skip = mutates && this.dryRun;
    this.commands.push({ command: shown, ran: !skip });
    if (skip) {
      if (this.#opts.verbose) this.#opts.write?.(`  (dry run, not run) ${shown}`);
      return undefined;
    }
    if (this.#opts.verbose) this.#opts.write?.(`  $ ${shown}`);
    const timeoutMs = opts.timeoutMs ?? this.#opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const result = await exec([...args, "--output", "json", "--only-show-errors"], this.#opts, timeoutMs);
    if (result.timedOut) {
      const waited = formatDuration(timeoutMs);
      throw new AzCommandError(shown, result.code, `stopped after ${waited} without an answer`, opts.hint);
    }
    if (result.code === 0) return parseJson<T>(result.stdout);
    if (
      opts.notFoundOk &&
      !NOT_LOGGED_IN.test(result.stderr) &&
      (result.code === 3 || NOT_FOUND.test(result.stderr))
    ) {
      return undefined;
    }
    throw this.#failure(shown, result, opts);
  }
}

interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs az; its stdout is collected, or with `stdout: "inherit"` goes straight to ours (and Ctrl-C stops it). */
function exec(
  args: string[],
  opts: AzOptions,
  timeoutMs: number,
  stdout: "pipe" | "inherit" = "pipe",
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("az", args, { env: opts.env ?? process.env, stdio: ["ignore", stdout, "pipe"] });
    let out = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const stop = () => child.kill("SIGINT");
    if (stdout === "inherit") {
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    };
    child.once("error", (error: NodeJS.ErrnoException) => {
      done();
      reject(error.code === "ENOENT" ? new AzMissingError() : error);
    });
    child.once("close", (code, signal) => {
      done();
      // Stopped by Ctrl-C while streaming: the user's choice, not a failure.
      const interrupted = stdout === "inherit" && (code === null || signal === "SIGINT");
      resolve({ code: interrupted ? 0 : (code ?? (signal ? 124 : 1)), stdout: out, stderr, timedOut });
    });
  });
}

function parseJson<T>(stdout: string): T | undefined {
  const text = stdout.trim();
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return text as T;
  }
}

/** Shell-style quoting, for showing a command the user can copy. */
export function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}
