/**
 * Node's fetch parses HTTP with WebAssembly (undici's llhttp), compiled as fetch loads. Once a
 * response has been parsed, V8 optimizes that code again on a background thread, and Node waits
 * for the thread before the process exits: about 0.1 s at the end of every short command on a
 * 2-core machine, and as much CPU taken from a long one (docs/BENCHMARKS.md, "Fetch's parser at exit").
 * The baseline code (Liftoff) parses a command's few responses just as well, so V8 is told to keep
 * it. Only once fetch is loaded, not at start-up: any V8 flag changed makes Node compile the
 * built-in modules it loads afterwards without their code cache, which doubles undici's loading.
 */
let kept = false;

/** Call before the command's first request (undici is loaded here if it was not). */
export function keepFetchParserUnoptimized(): void {
  if (kept) return;
  kept = true;
  // Node loads undici (fetch's implementation), which starts compiling its parser, when one of its
  // globals is first read: `fetch` itself is a stub until called, `Response` a getter.
  void globalThis.Response;
  // Required here: loading node:v8 costs `--help` 3 ms.
  (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--liftoff-only');
}
