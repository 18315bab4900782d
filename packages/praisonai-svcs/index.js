#!/usr/bin/env node
// A placeholder guarding a name that is easy to mistype for praisonai-svc: importing or running it fails
// and says which package to use. The same file ships in every package under packages/.
"use strict";
const { name } = require("./package.json");
const message =
  `"${name}" is not praisonai-svc: it is a placeholder that guards a look-alike name. ` +
  `Use praisonai-svc instead: npm uninstall ${name} && npm install praisonai-svc ` +
  "(https://www.npmjs.com/package/praisonai-svc).";
if (require.main === module) {
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
} else {
  throw new Error(message);
}
