/**
 * Preloaded into `ecaffe` by bench:cli (NODE_OPTIONS=--require) for the comparison arm of "one
 * request": V8's flags stay as Node set them, so fetch's WebAssembly parser is optimized in the
 * background as it was before the CLI kept it on the baseline tier (packages/cli/src/fetch-parser.ts).
 */
require('node:v8').setFlagsFromString = () => undefined;
