/**
 * Splits a byte stream of newline-delimited JSON (a Kubernetes watch body) into parsed values. Chunks may
 * end anywhere, even inside a multi-byte UTF-8 character; blank lines are skipped.
 */
export class JsonLinesDecoder {
  private readonly text = new TextDecoder('utf-8', { fatal: true });
  private pending = '';

  /** Feeds one chunk; returns the values of the lines it completed. */
  push(chunk: Uint8Array): unknown[] {
    // Only the new part can contain the next newline: scanning from there keeps a huge line linear.
    let scanFrom = this.pending.length;
    this.pending += this.text.decode(chunk, { stream: true });
    const values: unknown[] = [];
    let start = 0;
    for (;;) {
      const newline = this.pending.indexOf('\n', scanFrom);
      if (newline < 0) break;
      this.parseLine(this.pending.slice(start, newline), values);
      start = newline + 1;
      scanFrom = start;
    }
    if (start > 0) this.pending = this.pending.slice(start);
    return values;
  }

  /** Ends the stream: a last line without a trailing newline still counts. */
  end(): unknown[] {
    this.pending += this.text.decode();
    const values: unknown[] = [];
    this.parseLine(this.pending, values);
    this.pending = '';
    return values;
  }

  private parseLine(line: string, into: unknown[]): void {
    const trimmed = line.trim();
    if (trimmed === '') return;
    try {
      into.push(JSON.parse(trimmed));
    } catch (err) {
      const preview = trimmed.length > 120 ? `${trimmed.slice(0, 120)}...` : trimmed;
      throw new SyntaxError(`malformed watch event line: ${preview}`, { cause: err });
    }
  }
}
