/**
 * Preloaded into `ecaffe` by bench:cli (NODE_OPTIONS=--require): writes the seconds its PUTs took
 * from the request's creation to the response's end, one number a line, to $BENCH_PUT_TIMES. This
 * times the command's upload itself, as curl's `%{time_total}` times curl's, beside the whole command.
 */
const { appendFileSync } = require('node:fs');
const http = require('node:http');

const out = process.env.BENCH_PUT_TIMES;
const request = http.request;
http.request = function timedRequest(...args) {
  const started = process.hrtime.bigint();
  const req = request.apply(this, args);
  if (out && req.method === 'PUT')
    req.on('response', (response) =>
      response.on('end', () => appendFileSync(out, `${Number(process.hrtime.bigint() - started) / 1e9}\n`)),
    );
  return req;
};
