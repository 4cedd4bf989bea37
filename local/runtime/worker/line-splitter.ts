import { StringDecoder } from "node:string_decoder";

/**
 * Splits one output stream of a worker into lines. A marker the parent is waiting for (see protocol.ts) ends the
 * partial line before it and is reported instead of printed, wherever chunk boundaries fall.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private buffer = "";
  private marker: string | undefined;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onMarker: () => void,
  ) {}

  /** Report `marker` (once) when it shows up in the stream; call before the worker can write it. */
  expect(marker: string): void {
    this.marker = marker;
  }

  write(chunk: Buffer | string): void {
    this.buffer += typeof chunk === "string" ? chunk : this.decoder.write(chunk);
    this.drain();
  }

  /** The stream ended: a last line without a newline is still a line. */
  end(): void {
    this.buffer += this.decoder.end();
    this.drain();
    if (this.buffer !== "") this.onLine(this.buffer);
    this.buffer = "";
  }

  private drain(): void {
    let start = 0;
    let at = this.marker === undefined ? -1 : this.buffer.indexOf(this.marker);
    for (;;) {
      const newline = this.buffer.indexOf("\n", start);
      if (at !== -1 && (newline === -1 || at < newline)) {
        if (at > start) this.onLine(this.buffer.slice(start, at));
        start = at + (this.marker ?? "").length;
        this.marker = undefined;
        at = -1;
        this.onMarker();
        continue;
      }
      if (newline === -1) break;
      const end = newline > start && this.buffer[newline - 1] === "\r" ? newline - 1 : newline;
      this.onLine(this.buffer.slice(start, end));
      start = newline + 1;
    }
    this.buffer = this.buffer.slice(start);
  }
}
