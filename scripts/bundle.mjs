// Bundles the package's two entry points (the library, src/index.ts, and the CLI, src/cli/main.ts) into
// dist/, with the code they share in chunks beside them. One file per entry instead of hundreds of modules
// roughly halves start-up (docs/performance.md, "Start-up"); tsc writes the type declarations.
import { build } from "esbuild";

await build({
  entryPoints: { index: "src/index.ts", cli: "src/cli/main.ts" },
  outdir: "dist",
  // Every output file sits directly in dist/, so paths relative to import.meta.url (../package.json) hold.
  chunkNames: "chunk-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: [
    // Shared with the service's handlers file, which imports them itself: one copy in the process.
    "zod",
    "tsx",
    // Reads its static files relative to its own folder.
    "@fastify/swagger-ui",
    // Started as a program from the project's node_modules, never imported.
    "azurite",
    // A native binary per platform, loaded only by `praisonai-svc build` (and by tsx, which shares this copy).
    "esbuild",
  ],
  // Bundled CommonJS dependencies call require() for Node's built-in modules.
  banner: {
    js: "import { createRequire as __praisonaiRequire } from 'node:module'; const require = __praisonaiRequire(import.meta.url);",
  },
  legalComments: "none",
  logLevel: "warning",
});
