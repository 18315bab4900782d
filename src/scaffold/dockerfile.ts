// The production image of a service: the same image runs the API (default) and the worker (`praisonai-svc worker`).

/** Node image both stages start from; slim Debian keeps native modules working and the image small. */
export const BASE_IMAGE = "node:20-bookworm-slim";
export const API_PORT = 8080;
/** What `praisonai-svc build` makes of handlers.ts (src/build/compile.ts), relative to the project. */
export const COMPILED_HANDLERS = "dist/handlers.mjs";

// The health check reads PID 1's command line: a worker container has no HTTP port, and it is
// healthy while its process runs; an API container must answer /health.
const HEALTHCHECK_SCRIPT = [
  "const c=require('fs').readFileSync('/proc/1/cmdline','utf8').split('\\0');",
  "if(!c.includes('api'))process.exit(0);",
  "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health')",
  ".then(r=>process.exit(r.ok?0:1),()=>process.exit(1))",
].join("");

/**
 * `vendored`: praisonai-svc is a tarball in vendor/, which `npm ci` needs before it runs.
 * `python`: the service is a handlers.py: Debian's Python 3 joins Node, with requirements.txt in /opt/venv.
 */
export function dockerfile({
  vendored = false,
  python = false,
}: {
  vendored?: boolean;
  python?: boolean;
} = {}): string {
  const vendor = vendored ? "COPY vendor ./vendor\n" : "";
  const pythonDeps = python
    ? `
# Python and the handler's requirements, in a venv the runner is pointed at (PRAISONAI_SVC_PYTHON).
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv \\
  && rm -rf /var/lib/apt/lists/*
COPY requirements.txt ./
RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir -r requirements.txt
`
    : "";
  const compile = python
    ? ""
    : `
# handlers.ts and the project files it imports, compiled to JavaScript once, here: a container then starts
# without compiling TypeScript (tsx adds 0.1-0.4 s to each cold start). Every role (api, worker, drain)
# runs the file PRAISONAI_SVC_HANDLERS names; a build older than its sources is not run (tsx runs them).
# As root, so the compiled code is not writable by the user the service runs as.
RUN praisonai-svc build
ENV PRAISONAI_SVC_HANDLERS=${COMPILED_HANDLERS}`;
  const pythonEnv = python
    ? " \\\n    PRAISONAI_SVC_PYTHON=/opt/venv/bin/python \\\n    PYTHONDONTWRITEBYTECODE=1"
    : "";
  return `# syntax=docker/dockerfile:1
# Production image: API by default, worker with \`praisonai-svc worker\`.
# Build: docker build -t my-service .   (or let \`praisonai-svc deploy azure\` build it in the cloud)

# Stage 1: production dependencies only (no Azurite, no test tools).
FROM ${BASE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
${vendor}RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Stage 2: the runtime, as the unprivileged \`node\` user.
FROM ${BASE_IMAGE}
ENV NODE_ENV=production \\
    PORT=${API_PORT} \\
    PATH=/app/node_modules/.bin:$PATH${pythonEnv}
WORKDIR /app${pythonDeps}
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node . .${compile}
USER node
EXPOSE ${API_PORT}
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \\
  CMD ["node", "-e", ${JSON.stringify(HEALTHCHECK_SCRIPT)}]
# The CLI handles SIGTERM itself (the worker finishes or hands back its jobs), so node can be PID 1.
CMD ["praisonai-svc", "api"]
`;
}

/** Files kept out of the image and out of \`az acr build\`'s upload. */
export function dockerignore(): string {
  return [
    "node_modules",
    ".git",
    ".env",
    ".env.*",
    "!.env.example",
    ".praisonai-svc",
    ".venv",
    "__pycache__",
    "azure",
    "dist",
    "test",
    "*.log",
    "",
  ].join("\n");
}
