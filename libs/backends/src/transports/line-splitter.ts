/** What is kept of a line longer than the limit: its size, and its ends (where a JSON-RPC message keeps its id). */
export interface OversizedLine {
  bytes: number;
  head: string;
  tail: string;
}

export interface LineSplitterOptions {
  /** Longest line (in bytes, without its newline) handed on whole. */
  maxBytes: number;
  onLine(line: string): void;
  /** A longer line, once its newline arrives; only its ends were kept. */
  onOversized(line: OversizedLine): void;
}

const ENDS_BYTES = 256;
const NEWLINE = 0x0a;

/**
 * Splits a byte stream into UTF-8 lines in linear time: the chunks of a line are kept as they came and joined once
 * its newline arrives (a byte 0x0a is never part of a multi-byte character, so no character is ever cut), instead
 * of re-concatenating a growing string per chunk, which made a 50 MB line cost seconds and a gigabyte. Beyond
 * `maxBytes` a line is no longer kept, only counted, so a backend cannot make the gateway hold more than that.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private bytes = 0;
  private oversized?: { bytes: number; head: string; tail: Buffer };

  constructor(private readonly options: LineSplitterOptions) {}

  /** True while part of a line has arrived but not its end. */
  get partial(): boolean {
    return this.bytes > 0 || this.oversized !== undefined;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      this.take(chunk.subarray(start, end));
      this.endLine();
      start = end + 1;
    }
    if (start < chunk.length) this.take(chunk.subarray(start));
  }

  /** Drops a partial line (the stream ended). */
  reset(): void {
    this.parts = [];
    this.bytes = 0;
    this.oversized = undefined;
  }

  private take(part: Buffer): void {
    if (part.length === 0) return;
    if (this.oversized) {
      this.oversized.bytes += part.length;
      this.oversized.tail = lastBytes(Buffer.concat([this.oversized.tail, lastBytes(part)]));
      return;
    }
    this.parts.push(part);
    this.bytes += part.length;
    if (this.bytes <= this.options.maxBytes) return;
    const kept = Buffer.concat(this.parts, this.bytes);
    this.oversized = {
      bytes: this.bytes,
      head: kept.subarray(0, ENDS_BYTES).toString('utf8'),
      tail: lastBytes(kept),
    };
    this.parts = [];
    this.bytes = 0;
  }

  private endLine(): void {
    const oversized = this.oversized;
    if (oversized) {
      this.oversized = undefined;
      this.options.onOversized({ bytes: oversized.bytes, head: oversized.head, tail: oversized.tail.toString('utf8') });
      return;
    }
    if (this.bytes === 0) return;
    const line = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.bytes);
    this.parts = [];
    this.bytes = 0;
    this.options.onLine(line.toString('utf8'));
  }
}

/** A copy, so a kept end never pins the large buffer it came from. */
function lastBytes(buffer: Buffer): Buffer {
  return Buffer.from(buffer.length <= ENDS_BYTES ? buffer : buffer.subarray(buffer.length - ENDS_BYTES));
}
