import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AnswerHeaders } from './answer-headers.js';

/** Statuses whose answers have no body (fetch's null body statuses). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export interface AnswerInit {
  status: number;
  statusText: string;
  headers: AnswerHeaders;
  url: string;
}

type Body = Readable | WebReadableStream<Uint8Array> | null;

/**
 * A fetch `Response` over a body received by node:http, for callers of the raw request API: Node's fetch
 * classes load a second HTTP stack (undici) that the agent does not otherwise need. The body is a Node stream
 * until a caller asks for `body` (then a web stream) or `clone()` (a tee).
 */
export class AnswerResponse implements Response {
  readonly headers: AnswerHeaders;
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly redirected = false;
  readonly type: Response['type'] = 'basic';
  private source: Body;
  private webBody: WebReadableStream<Uint8Array> | null | undefined;
  private used = false;

  /** `method`: a HEAD answer has no body, whatever its headers say. */
  constructor(body: Body, init: AnswerInit, method = 'GET') {
    this.status = init.status;
    this.statusText = init.statusText;
    this.headers = init.headers;
    this.url = init.url;
    const empty = NULL_BODY_STATUSES.has(init.status) || method.toUpperCase() === 'HEAD';
    // A body nobody can read is drained, so its connection goes back to the pool.
    if (empty && body instanceof Readable) body.resume();
    this.source = empty ? null : body;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.webBody === undefined) {
      const source = this.source;
      this.webBody =
        source instanceof Readable ? (Readable.toWeb(source) as WebReadableStream<Uint8Array>) : source;
      this.source = null;
    }
    return this.webBody as ReadableStream<Uint8Array> | null;
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    if (this.used) throw new TypeError('Body is unusable: Body has already been read');
    this.used = true;
    const chunks: Uint8Array[] = [];
    const from = this.webBody ?? this.source;
    if (from !== null) for await (const chunk of from) chunks.push(chunk as Uint8Array);
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    let at = 0;
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.byteLength;
    }
    return out;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.bytes()).buffer;
  }

  async text(): Promise<string> {
    return new TextDecoder('utf-8').decode(await this.bytes());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async blob(): Promise<Blob> {
    return new Blob([await this.bytes()], { type: this.headers.get('content-type') ?? '' });
  }

  /** Multipart and form bodies are parsed by fetch's own Response (loaded only here). */
  async formData(): Promise<FormData> {
    const headers = [...this.headers.entries()];
    return new globalThis.Response(await this.bytes(), { status: this.status, headers }).formData();
  }

  clone(): Response {
    if (this.used) throw new TypeError('Response.clone: Body has already been consumed');
    const init = { status: this.status, statusText: this.statusText, headers: this.headers, url: this.url };
    const body = this.body as WebReadableStream<Uint8Array> | null;
    if (body === null) return new AnswerResponse(null, init);
    const [mine, theirs] = body.tee();
    this.webBody = mine;
    return new AnswerResponse(theirs, init);
  }
}
