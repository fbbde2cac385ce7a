// The server-sent-events reader (src/http/sse.ts): events by the SSE rules,
// whatever the chunk boundaries, yielded as they complete.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnexpectedAnswer } from '../../src/core/errors.ts';
import { MAX_EVENT_CHARS, readEventStream, type ServerSentEvent } from '../../src/http/sse.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

async function* chunks(parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? bytes(part) : part;
}

async function collect(parts: (string | Uint8Array)[], onActivity?: () => void): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of readEventStream(chunks(parts), onActivity)) events.push(event);
  return events;
}

/** `whole` cut into chunks at the given byte offsets. */
function cutAt(whole: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.filter((o) => o > 0 && o < whole.length))].sort((a, b) => a - b);
  return [0, ...points].map((start, i) => whole.subarray(start, points[i] ?? whole.length));
}

// Hedra's job stream, as its docs describe it: status and log events, a keep-alive, the done frame.
const STREAM = [
  ': keep-alive',
  'event: status',
  'id: 1',
  'data: {"status":"IN_PROGRESS","progress":0.25}',
  '',
  'event: log',
  'id: 2',
  'data: Rendering «frame» 1/2 — ok ✓ 🎬',
  '',
  'event: done',
  'data: [STREAM_DONE]',
  '',
  '',
].join('\n');
const EXPECTED: ServerSentEvent[] = [
  { event: 'status', id: '1', data: '{"status":"IN_PROGRESS","progress":0.25}' },
  { event: 'log', id: '2', data: 'Rendering «frame» 1/2 — ok ✓ 🎬' },
  // The last event id stays the stream's until another block sets one.
  { event: 'done', id: '2', data: '[STREAM_DONE]' },
];

describe('readEventStream', () => {
  it('reads events, their type, id and data', async () => {
    expect(await collect([STREAM])).toEqual(EXPECTED);
  });

  it('reads the same events whatever the chunk boundaries, one byte at a time too', async () => {
    const whole = bytes(STREAM);
    expect(
      await collect(
        cutAt(
          whole,
          Array.from({ length: whole.length }, (_, i) => i),
        ),
      ),
    ).toEqual(EXPECTED);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: whole.length }), { maxLength: 30 }), async (offsets) => {
        expect(await collect(cutAt(whole, offsets))).toEqual(EXPECTED);
      }),
      { numRuns: 200 },
    );
  });

  it('decodes a multi-byte character cut between chunks', async () => {
    const whole = bytes('data: é🎬\n\n');
    // "é" is 2 bytes at 6..7, "🎬" 4 bytes at 8..11: cut inside each.
    expect(await collect(cutAt(whole, [7, 9, 10]))).toEqual([{ event: 'message', data: 'é🎬' }]);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('takes %s line ends', async (_name, end) => {
    const text = ['event: status', 'data: a', 'data: b', '', 'data: c', '', ''].join(end);
    const expected = [
      { event: 'status', data: 'a\nb' },
      { event: 'message', data: 'c' },
    ];
    expect(await collect([text])).toEqual(expected);
    const whole = bytes(text);
    expect(
      await collect(
        cutAt(
          whole,
          Array.from({ length: whole.length }, (_, i) => i),
        ),
      ),
    ).toEqual(expected);
  });

  it('takes a CRLF cut between its CR and its LF as one line end, not a blank line', async () => {
    expect(await collect(['data: a\r', '\ndata: b\r', '\n\r', '\n'])).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('skips comments, and blocks without data', async () => {
    expect(await collect([': hello\n\n:\n\nevent: status\n\nid: 7\n\ndata: x\n\n'])).toEqual([{ event: 'message', data: 'x', id: '7' }]);
  });

  it('joins multi-line data with newlines, keeping empty lines and a value after a colon without its space', async () => {
    expect(await collect(['data: one\ndata:\ndata:two\ndata:  three\n\n'])).toEqual([{ event: 'message', data: 'one\n\ntwo\n three' }]);
  });

  it('names an event without event: "message"', async () => {
    expect(await collect(['data: x\n\n', 'event:\ndata: y\n\n'])).toEqual([
      { event: 'message', data: 'x' },
      { event: 'message', data: 'y' },
    ]);
  });

  it('has no id until the stream names one', async () => {
    const [event] = await collect(['data: x\n\n']);
    expect(event).toEqual({ event: 'message', data: 'x' });
    expect('id' in event).toBe(false);
  });

  it('drops a last event without its blank line, even with a complete data line', async () => {
    expect(await collect(['data: a\n\n', 'event: status\ndata: b\n'])).toEqual([{ event: 'message', data: 'a' }]);
    expect(await collect(['data: a\n\n', 'data: b'])).toEqual([{ event: 'message', data: 'a' }]);
    expect(await collect([])).toEqual([]);
  });

  it('calls onActivity for every chunk, keep-alive comments included', async () => {
    let calls = 0;
    const events = await collect([': keep-alive\n\n', ': keep-alive\n\n', 'data: x\n', '\n', new Uint8Array(0)], () => calls++);
    expect(events).toEqual([{ event: 'message', data: 'x' }]);
    expect(calls).toBe(5);
  });

  it('yields each event as it completes, before the body ends', async () => {
    const seen: string[] = [];
    async function* body(): AsyncGenerator<Uint8Array> {
      seen.push('chunk 1');
      yield bytes('data: a\n\ndata: b');
      seen.push('chunk 2');
      yield bytes('\n\n');
    }
    for await (const event of readEventStream(body())) seen.push(event.data);
    expect(seen).toEqual(['chunk 1', 'a', 'chunk 2', 'b']);
  });

  it("passes a failure of the body on after the events before it, and ends the body's reading when the caller stops", async () => {
    let closed = false;
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield bytes('data: a\n\ndata: b\n\ndata: par');
      throw new Error('socket hang up');
    }
    const events: string[] = [];
    await expect(
      (async () => {
        for await (const event of readEventStream(failing())) events.push(event.data);
      })(),
    ).rejects.toThrow('socket hang up');
    expect(events).toEqual(['a', 'b']);

    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        for (let i = 0; ; i++) yield bytes(`data: ${i}\n\n`);
      } finally {
        closed = true;
      }
    }
    for await (const event of readEventStream(endless())) if (event.data === '2') break;
    expect(closed).toBe(true);
  });

  it('refuses an event larger than any Hedra sends', async () => {
    const big = `data: ${'x'.repeat(MAX_EVENT_CHARS)}`;
    await expect(collect(['data: a\n\n', big])).rejects.toThrow(UnexpectedAnswer);
  });
});
