import { describe, expect, it } from '@jest/globals';
import { SseParser, type SseEvent } from './sse-parser.js';

function parse(chunks: string[]): { events: SseEvent[]; retries: number[] } {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const parser = new SseParser(
    (event) => events.push(event),
    (ms) => retries.push(ms),
  );
  for (const chunk of chunks) parser.push(chunk);
  return { events, retries };
}

const STREAM =
  ': keepalive\n\n' +
  'id: 1\ndata: \n\n' +
  'retry: 500\nevent: message\nid: 2\ndata: {"a":1}\n\n' +
  'data: line one\ndata:line two\n\n' +
  'event: other\ndata: x\n\n' +
  'retry: soon\ndata: {"b":2}\n\n';

describe('SseParser', () => {
  it('assembles events: priming ids, multi-line data, event names, comments and retry', () => {
    expect(parse([STREAM])).toEqual({
      events: [
        { id: '1', data: '' },
        { id: '2', event: 'message', data: '{"a":1}' },
        { data: 'line one\nline two' },
        { event: 'other', data: 'x' },
        { data: '{"b":2}' },
      ],
      retries: [500],
    });
  });

  it('gives the same events however the stream is cut, with \\n, \\r\\n or \\r line ends', () => {
    const whole = parse([STREAM]);
    for (const ending of ['\n', '\r\n', '\r']) {
      const text = STREAM.replaceAll('\n', ending);
      for (let size = 1; size <= 7; size++) {
        const chunks: string[] = [];
        for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
        expect([ending, size, parse(chunks)]).toEqual([ending, size, whole]);
      }
    }
  });

  it('holds an event until its blank line arrives', () => {
    expect(parse(['data: {"c":3}\n']).events).toEqual([]);
    expect(parse(['data: {"c":3}\n', '\n']).events).toEqual([{ data: '{"c":3}' }]);
  });
});
