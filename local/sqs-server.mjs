// The local SQS: fauxqs (JSON protocol, long polling, redrive to a DLQ), run as its own process
// because it ships as ESM only and its own launcher listens on every interface; this one binds
// loopback only. Prints {"port": N} on stdout once it listens.
import { buildApp } from 'fauxqs';

// No `host`: queue URLs then use the request's Host header (127.0.0.1:port), which the SDK can reach.
const app = buildApp({ logger: false });
const address = await app.listen({ port: Number(process.env.SQS_PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port: Number(new URL(address).port) })}\n`);
const stop = () => app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Exit with the parent: stdin closes when the process that started us goes away.
process.stdin.on('end', stop);
process.stdin.resume();
