// The transport's event stream against a server that never ends it (keep-alive
// comments forever): a reader that stops early must close the connection, or a
// run would stay alive after its job ended.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRunControl, realTime } from '../../src/action/run-control.ts';
import { readEventStream } from '../../src/http/sse.ts';
import { Transport } from '../../src/http/transport.ts';

let baseUrl: string;
const closed: Promise<void>[] = [];
const server = createServer((req: IncomingMessage, res) => {
  closed.push(new Promise((resolve) => req.socket.on('close', () => resolve())));
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write('event: status\nid: 1\ndata: {"job_id": "job_1", "status": "COMPLETED", "progress": 1}\n\n');
  const timer = setInterval(() => res.write(': keep-alive\n\n'), 50);
  res.on('close', () => clearInterval(timer));
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('closes the connection when the reader stops before the stream ends', async () => {
  const transport = new Transport({
    baseUrl,
    apiKey: 'key_test:secret',
    keyScheme: 'authorization-key',
    userAgent: 'test',
    control: createRunControl(Date.now(), 60_000, new AbortController().signal, realTime),
    timeoutMs: 60_000,
    fetcher: { fetch: globalThis.fetch, close: async () => undefined },
    clock: Date.now,
    debug: () => undefined,
  });
  const stream = await transport.openEventStream('/jobs/job_1/stream');
  const seen: string[] = [];
  try {
    for await (const event of readEventStream(stream.body, stream.touch)) {
      seen.push(event.event);
      break; // the job ended: stop reading, as the wait does
    }
  } finally {
    stream.stop();
  }
  expect(seen).toEqual(['status']);
  // The server sees the socket close: nothing is left to keep the process alive.
  const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 2000));
  expect(await Promise.race([closed[0].then(() => 'closed'), timeout])).toBe('closed');
});
