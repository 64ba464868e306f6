import { StringDecoder } from 'node:string_decoder';

/**
 * Cuts a byte stream into lines as they complete (a partial last line is flushed by `end`), and
 * keeps the whole text. Decoding is incremental so a UTF-8 character split across chunks survives.
 * The lines a chunk completes are handed over together, so the log can print them as one block.
 */
export class LineStream {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private collected = '';

  constructor(private readonly onLines: (lines: string[]) => void) {}

  get text(): string {
    return this.collected;
  }

  write(chunk: Buffer): void {
    this.take(this.decoder.write(chunk));
  }

  end(): void {
    this.take(this.decoder.end());
    if (this.pending !== '') this.onLines([this.pending.replace(/\r$/, '')]);
    this.pending = '';
  }

  private take(text: string): void {
    this.collected += text;
    const lines = (this.pending + text).split('\n');
    this.pending = lines.pop() ?? '';
    if (lines.length > 0) this.onLines(lines.map((line) => line.replace(/\r$/, '')));
  }
}
