// The README of a new service: how to run, test and deploy it.
import type { Dependency } from "./vendor.js";

export function readme({
  name,
  pkg,
  dependency,
  python = false,
}: {
  name: string;
  pkg?: string;
  dependency: Dependency;
  python?: boolean;
}): string {
  const handlers = python ? "handlers.py" : "handlers.ts";
  const test = python ? "test/test_handlers.py" : "test/handlers.test.ts";
  return `# ${name}

A job service made with [praisonai-svc](https://www.npmjs.com/package/praisonai-svc): clients POST a
payload (JSON or YAML) to \`/jobs\`, a worker runs the handler in \`${handlers}\`${pkg ? ` (which wraps \`${pkg}\`)` : ""}, and
the result is downloaded from \`/jobs/{id}/download\`.

## Run it locally

\`\`\`sh
npm install${python ? "\nnpm run setup                  # python3 -m venv .venv && .venv/bin/pip install -r requirements.txt" : ""}
npx praisonai-svc run          # API + worker on http://127.0.0.1:8080, local storage (Azurite)
\`\`\`

No Azure account is needed: \`run\` starts Azurite (the Azure Storage emulator) and keeps its data in
\`.praisonai-svc/\`. Then, in another terminal:

\`\`\`sh
curl -sS -X POST http://127.0.0.1:8080/jobs -H 'Content-Type: application/json' -d '{"name":"Ada"}'
curl -sS http://127.0.0.1:8080/jobs/<job_id>                 # until "status": "done"
curl -sSL http://127.0.0.1:8080/jobs/<job_id>/download       # the file
\`\`\`

The API documentation is at http://127.0.0.1:8080/docs.

## Test it

\`\`\`sh
npm test                       # runs ${test}: the handler alone, no storage
\`\`\`

## Configure it

Every setting is an environment variable; \`.env.example\` lists them all with their defaults. Copy it
to \`.env\`, change what you need, and start with \`node --env-file=.env node_modules/.bin/praisonai-svc run\`.
Never commit \`.env\`.

## Deploy it to Azure

You need the Azure CLI (\`az\`) and an Azure subscription. The image is built in the cloud: no Docker needed.

\`\`\`sh
az login
npx praisonai-svc deploy azure --dry-run        # writes azure/main.json and prints every az command
npx praisonai-svc deploy azure --cors-origins https://your-wordpress.example
npx praisonai-svc logs --follow                  # API logs; add --worker for the worker's
\`\`\`

${python ? "" : compileSection()}\`deploy\` creates one resource group with a Storage account (queue, poison queue, jobs table, private
container whose files are deleted after 30 days), a Log Analytics workspace capped below 500 MB a day,
Application Insights, and a Container App (API and worker, 1 vCPU / 2 GiB each, 0 to 3 replicas).
Running it again changes nothing unless the code or the options changed. Review \`azure/main.json\`
before the first deploy; \`npx praisonai-svc deploy azure --help\` lists the options.

${dependency.tarball ? vendorSection(dependency.tarball) : ""}## Files

| File | What it is |
|---|---|
| \`${handlers}\` | the service: payload schema${python ? " (a Pydantic model)" : ""} and handler |${python ? "\n| `requirements.txt` | what handlers.py imports; installed into `.venv` locally and `/opt/venv` in the image |" : ""}
| \`${test}\` | a test of the handler |
| \`Dockerfile\` | the production image (API by default, \`praisonai-svc worker\` for the worker)${python ? "" : "; compiles handlers.ts to `dist/handlers.mjs`"} |
| \`.env.example\` | every setting with its default |${dependency.tarball ? `\n| \`${dependency.tarball}\` | praisonai-svc itself, packed from the copy that created this project |` : ""}
| \`azure/\` | written by \`deploy azure\`: the infrastructure template and the names it used |
`;
}

/** The image compiles handlers.ts; how to do the same by hand, and what the compiled file needs. */
function compileSection(): string {
  return `The image compiles \`handlers.ts\` (and the project files it imports) to \`dist/handlers.mjs\` while it is
built (\`RUN praisonai-svc build\` in the Dockerfile), so a container starts without compiling TypeScript at
every cold start. To try the compiled service locally:

\`\`\`sh
npx praisonai-svc build                          # handlers.ts -> dist/handlers.mjs (+ source map)
npx praisonai-svc run dist/handlers.mjs
\`\`\`

Packages stay in \`node_modules\` (each must be in \`dependencies\`: the image installs no devDependencies;
zod is the exception, copied into the file because it then loads faster), and
\`import.meta.url\` still points at each source file, so files read relative to it are found where they are.
A \`dist/handlers.mjs\` older than its sources is never run: the sources run through tsx, with a warning.

`;
}

/** Why vendor/ exists, and how to move to the registry's package once it serves this version. */
export function vendorSection(tarball: string): string {
  return `## Where praisonai-svc comes from

This project was created by a praisonai-svc that was not installed from the npm registry (a checkout or a
tarball), so it depends on \`${tarball}\`, packed from that copy: \`npm install\` and the image's
\`npm ci\` install exactly that code. Keep \`vendor/\` in version control. To use the registry's package
instead (once it has the version you need):

\`\`\`sh
npm install praisonai-svc@latest && rm -r vendor   # then delete the COPY vendor line in Dockerfile
\`\`\`

`;
}
