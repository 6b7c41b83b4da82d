#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm run build` (run by `npm ci` through `prepare`).
"use strict";
require("../dist/src/cli/main.js").main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`baton: ${err instanceof Error ? err.message : String(err)}`); process.exitCode = 2; },
);
