#!/usr/bin/env node
// Parses GIFT files with gift-pegjs (an independent GIFT grammar, from npm) and prints the
// questions as JSON: [{"file": ..., "questions": [...]}]. A syntax error is printed as
// FILE:LINE:COLUMN: message, and the exit status is 1.
"use strict";
const fs = require("fs");
const gift = require("gift-pegjs");

const out = [];
let failed = false;
for (const file of process.argv.slice(2)) {
  try {
    out.push({ file, questions: gift.parse(fs.readFileSync(file, "utf8")) });
  } catch (err) {
    failed = true;
    const at = err.location ? `${err.location.start.line}:${err.location.start.column}` : "1:1";
    console.error(`${file}:${at}: ${err.message}`);
  }
}
if (failed) process.exit(1);
process.stdout.write(JSON.stringify(out));
