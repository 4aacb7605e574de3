import { readFileSync } from 'node:fs';

/** Keeps the last `limit` lines of streamed text, for error messages. */
export class LogTail {
  private lines: string[] = [];
  private partial = '';

  constructor(private readonly limit: number) {}

  push(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    if (this.lines.length > this.limit) {
      this.lines = this.lines.slice(-this.limit);
    }
  }

  text(): string {
    return [...this.lines, this.partial].filter(Boolean).slice(-this.limit).join('\n');
  }
}

/** The last `limit` lines of a log file, or '' when it cannot be read (already removed, never written). */
export function readLogTail(path: string, limit: number): string {
  try {
    const tail = new LogTail(limit);
    tail.push(readFileSync(path, 'utf8'));
    return tail.text();
  } catch {
    return '';
  }
}
