// The embedded local storage: Azurite (Microsoft's Azure Storage emulator) on free loopback ports.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { connect, createServer } from "node:net";
import path from "node:path";
import { PraisonError } from "../errors.js";
import { PACKAGE_ROOT } from "../own-package.js";

/** Starts Azurite and stops it when this process exits, however it exits (see the file). */
const LIFELINE = path.join(PACKAGE_ROOT, "bin", "azurite-lifeline.cjs");

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
const ACCOUNT = "devstoreaccount1";
const ACCOUNT_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** What to do instead, whenever local storage cannot be had. */
const OR_AZURE = "or set AZURE_STORAGE_CONNECTION_STRING to use an Azure Storage account";

/** Local storage could not be started: Azurite is missing, or it failed to start. The message says what to do. */
export class AzuriteError extends PraisonError {
  constructor(code: "AZURITE_MISSING" | "AZURITE_FAILED", message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

export interface AzuriteOptions {
  /** Folder for Azurite's data; omitted: in memory only. */
  location?: string;
  /** Folder whose node_modules is searched first for azurite (the service project). */
  projectDir?: string;
  /** Ports to use; free ones are picked where omitted. */
  ports?: Partial<AzuritePorts>;
}

export interface AzuritePorts {
  blob: number;
  queue: number;
  table: number;
}

export interface Azurite {
  connectionString: string;
  ports: AzuritePorts;
  pid: number;
  /** Stops Azurite (its graceful shutdown, then SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
}

export function azuriteConnectionString(ports: AzuritePorts): string {
  const base = "http://127.0.0.1";
  return [
    "DefaultEndpointsProtocol=http",
    `AccountName=${ACCOUNT}`,
    `AccountKey=${ACCOUNT_KEY}`,
    `BlobEndpoint=${base}:${ports.blob}/${ACCOUNT}`,
    `QueueEndpoint=${base}:${ports.queue}/${ACCOUNT}`,
    `TableEndpoint=${base}:${ports.table}/${ACCOUNT}`,
  ].join(";");
}

/** A loopback port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function resolveAzurite(projectDir: string | undefined): string {
  const bases = [projectDir && path.join(projectDir, "package.json"), import.meta.url].filter(
    Boolean,
  ) as string[];
  for (const base of bases) {
    try {
      const pkg = createRequire(base).resolve("azurite/package.json");
      return path.join(path.dirname(pkg), "dist", "src", "azurite.js");
    } catch {
      // try the next place
    }
  }
  throw new AzuriteError(
    "AZURITE_MISSING",
    `Local mode needs Azurite, which is not installed: run \`npm install --save-dev azurite\` in ${projectDir ?? "the project folder"}, ${OR_AZURE}.`,
  );
}

export async function startAzurite(opts: AzuriteOptions = {}): Promise<Azurite> {
  const script = resolveAzurite(opts.projectDir);
  const ports: AzuritePorts = {
    blob: opts.ports?.blob ?? (await freePort()),
    queue: opts.ports?.queue ?? (await freePort()),
    table: opts.ports?.table ?? (await freePort()),
  };
  const args = [
    LIFELINE,
    script,
    "--silent",
    "--skipApiVersionCheck",
    "--disableTelemetry",
    "--loose",
    ...["--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1"],
    ...[
      "--blobPort",
      String(ports.blob),
      "--queuePort",
      String(ports.queue),
      "--tablePort",
      String(ports.table),
    ],
  ];
  if (opts.location) {
    try {
      mkdirSync(opts.location, { recursive: true });
    } catch (error) {
      throw new AzuriteError(
        "AZURITE_FAILED",
        `Local storage cannot keep its data in ${opts.location} (${(error as Error).message}): move what is in the way, ${OR_AZURE}.`,
        { cause: error },
      );
    }
    args.push("--location", opts.location);
  } else {
    args.push("--inMemoryPersistence");
  }
  // Its own process group, so a terminal's Ctrl-C does not stop storage before the worker has finished with it.
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe", "ipc"], detached: true });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await waitForPorts(child, Object.values(ports), 20_000);
  } catch (error) {
    child.kill("SIGKILL");
    const said = stderr.trim().split("\n").pop()?.trim();
    throw new AzuriteError(
      "AZURITE_FAILED",
      `Local storage (Azurite) did not start: ${(error as Error).message}${said ? ` (it said: ${said})` : ""}. ` +
        `Reinstall it with \`npm install --save-dev azurite\`, ${OR_AZURE}.`,
      { cause: error },
    );
  }
  return {
    connectionString: azuriteConnectionString(ports),
    ports,
    pid: child.pid ?? -1,
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // Closing the lifeline's IPC channel makes it send Azurite its SIGTERM, as when this process dies. A SIGTERM
  // from here with the channel still open would leave the channel holding Azurite's event loop open after
  // its servers have closed, until the SIGKILL 5 s later.
  if (child.connected) child.disconnect();
  else child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

async function waitForPorts(child: ChildProcess, ports: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    while (!(await canConnect(port))) {
      if (child.exitCode !== null) throw new Error(`it exited with code ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
