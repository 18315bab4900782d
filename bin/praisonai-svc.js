#!/usr/bin/env node
// CLI entry. tsx (for a service's handlers.ts) is registered later, by the loader of the handlers file,
// so that the CLI's own modules load natively: through tsx's hooks start-up took ~0.4 s longer.
const { main } = await import("../dist/cli.js");
await main(process.argv);
