/** One server-sent event, as the EventSource spec assembles it. */
export interface SseEvent {
  /** The `id:` field, when the event had one (an empty `data` with an id is a priming event). */
  id?: string;
  event?: string;
  data: string;
}

/**
 * Incremental text/event-stream parser (the WHATWG EventSource rules: `\n`, `\r\n` or `\r` line ends, multi-line
 * `data:`, `:` comments, one optional space after the colon, `retry:` digits only). Fed decoded text as it arrives.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private id?: string;
  private event?: string;
  private sawCr = false;

  constructor(
    private readonly onEvent: (event: SseEvent) => void,
    private readonly onRetry: (ms: number) => void = () => undefined,
  ) {}

  push(text: string): void {
    let i = 0;
    // A \r\n split across two chunks: the \r already ended the line.
    if (this.sawCr) {
      this.sawCr = false;
      if (text.charCodeAt(0) === 10) i = 1;
    }
    let start = i;
    for (; i < text.length; i++) {
      const char = text.charCodeAt(i);
      if (char !== 10 && char !== 13) continue;
      this.line(this.buffer + text.slice(start, i));
      this.buffer = '';
      if (char === 13) {
        if (i + 1 === text.length) this.sawCr = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    this.buffer += text.slice(start);
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.charCodeAt(0) === 58) return; // a comment (keep-alives)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'id') {
      if (!value.includes('\0')) this.id = value;
    } else if (field === 'event') this.event = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.onRetry(Number(value));
  }

  private dispatch(): void {
    const event: SseEvent = { data: this.data.join('\n') };
    if (this.id !== undefined) event.id = this.id;
    if (this.event !== undefined) event.event = this.event;
    const any = this.data.length > 0 || this.id !== undefined || this.event !== undefined;
    this.data = [];
    this.id = undefined;
    this.event = undefined;
    if (any) this.onEvent(event);
  }
}
