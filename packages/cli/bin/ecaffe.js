#!/usr/bin/env node
// The compiled CLI (dist/, built by `npm ci` through the package's prepare script); never a TypeScript loader.
require('../dist/main.js').main(process.argv);
