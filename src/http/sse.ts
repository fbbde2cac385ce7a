// Reads a server-sent-events body (text/event-stream) into events, by the
// SSE rules (WHATWG HTML, "Parsing an event stream"), with eventsource-parser:
// lines end in CRLF, LF or CR; `:` starts a comment; `data:` lines join with
// "\n"; a blank line ends an event; a block without `data` is no event.
// Bytes are decoded as UTF-8 across chunk boundaries. Events are yielded as
// they complete; a last event without its blank line is dropped when the body
// ends. What the events mean (Hedra's `status`, `log`, `done`) is the caller's.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { UnexpectedAnswer } from '../core/errors.js';

export interface ServerSentEvent {
  /** The event's type: `message` when the block names none. */
  event: string;
  data: string;
  /**
   * The stream's last event id as of this event (set by this block's `id:`
   * field or an earlier one, as EventSource's lastEventId): what a resumed
   * request sends as Last-Event-Id. Undefined until the stream names one.
   */
  id?: string;
}

/** The most characters one event (or one unfinished line) may buffer: far more than any status or log event. */
export const MAX_EVENT_CHARS = 8 * 1024 * 1024;

/**
 * The events of an SSE body, as they complete. `onActivity` is called for
 * every chunk received, keep-alive comments included (for a stall watchdog);
 * `onRetry` with each `retry:` field's milliseconds (how long the server asks
 * a client to wait before reconnecting). An error of the body passes through
 * after the events before it; ending the iteration early ends the reading of
 * the body.
 */
export async function* readEventStream(
  body: AsyncIterable<Uint8Array>,
  onActivity?: () => void,
  onRetry?: (ms: number) => void,
): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder('utf-8');
  const ready: ServerSentEvent[] = [];
  let lastId: string | undefined;
  let overflow = false;
  const parser = createParser({
    maxBufferSize: MAX_EVENT_CHARS,
    // An id-only block moves the last event id too (onId comes before onEvent).
    onId: (id) => {
      lastId = id;
    },
    onRetry: (ms) => onRetry?.(ms),
    onEvent: (message: EventSourceMessage) => {
      ready.push({ event: message.event || 'message', data: message.data, ...(lastId !== undefined && { id: lastId }) });
    },
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') overflow = true;
    },
  });
  const feed = (text: string) => {
    parser.feed(text);
    if (overflow) {
      throw new UnexpectedAnswer(
        `An event of the event stream is over ${MAX_EVENT_CHARS / (1024 * 1024)} MiB, more than any event a server sends; it was not read further.`,
        undefined,
      );
    }
  };
  for await (const chunk of body) {
    onActivity?.();
    feed(decoder.decode(chunk, { stream: true }));
    // Taken one at a time: the consumer may stop between events.
    while (ready.length > 0) yield ready.shift()!;
  }
  // Flush the decoder: what is left cannot end a line, so no event should follow from it.
  feed(decoder.decode());
  while (ready.length > 0) yield ready.shift()!;
}
