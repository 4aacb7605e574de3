import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import {
  CLOCK,
  type Clock,
  classifyError,
  classifyHttpError,
  LOGGER,
  type Logger,
  NOOP_LOGGER,
  SYSTEM_CLOCK,
  type TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import { joinUrl } from '../client/paths.js';
import { ClusterConnection } from '../config/kubeconfig.js';
import { CLUSTER_CONNECTION, DENIED_ACCESS_LOG, TRANSPORT_OPTIONS } from '../tokens.js';
import { messageOf, parseBody, readStreamBody } from './answer-errors.js';
import { AnswerHeaders } from './answer-headers.js';
import { AnswerResponse } from './answer-response.js';
import type { DeniedAccessLog } from './denied-access.js';
import { JSON_ACCEPT_ENCODING, type JsonAnswer, requestJson } from './json-request.js';
import { decodedBody, headerValue, openRequest, type PreparedRequest } from './node-request.js';
import { TokenBucketRateLimiter } from './rate-limiter.js';
import { type RetryOptions, retryDelayMs, shouldRetry, sleep } from './retry.js';

export interface TransportOptions extends Partial<RetryOptions> {
  /** Requests per second (token bucket); 0 disables. Default 30, kcp's syncer default. */
  qps?: number;
  /** Bucket size. Default 20, kcp's syncer default. */
  burst?: number;
  /** Default per-request timeout (ms). Default 30 s. */
  timeoutMs?: number;
  userAgent?: string;
}

export const DEFAULT_QPS = 30;
export const DEFAULT_BURST = 20;
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface HttpRequest {
  method: string;
  /** Path and query below the base URL. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  /** Overrides the transport's own retry count for this request (0: one attempt). */
  maxRetries?: number | undefined;
  /** What is being done, for error messages: `GET apps/v1/deployments ns/name`. */
  operation: string;
}

export interface StreamResponse {
  response: Response;
  /** The caller's signal combined with the request's own (abort ends the body stream). */
  signal: AbortSignal;
}

/** An answer whose body streams as a Node stream (content encoding undone): the lean form of {@link send}. */
export interface StreamAnswer {
  status: number;
  statusText: string;
  /** Raw header list: name, value, name, value... */
  rawHeaders: readonly string[];
  headers: IncomingHttpHeaders;
  body: Readable;
  /** The caller's signal combined with the request's own (abort ends the body stream). */
  signal: AbortSignal;
}

/**
 * Raw HTTP to one API server: authentication from client-node, the client's token bucket, a per-request
 * timeout, and typed errors. `send` makes one attempt and hands back any response; `json` is the typed path
 * with bounded retries.
 */
@injectable()
export class Transport {
  readonly limiter: TokenBucketRateLimiter;
  private readonly timeoutMs: number;
  private readonly retry: RetryOptions;
  private readonly userAgent: string;

  constructor(
    @inject(CLUSTER_CONNECTION) readonly connection: ClusterConnection,
    // Optional: client-go's defaults (QPS, burst, timeout, retries) unless registerKube passes the flags'.
    @inject(TRANSPORT_OPTIONS, { isOptional: true }) options: TransportOptions = {},
    // Optional: tests bind a manual clock; unbound, the system clock.
    @inject(CLOCK, { isOptional: true }) private readonly clock: Clock = SYSTEM_CLOCK,
    // Optional: silent unless the composition root binds a logger.
    @inject(LOGGER, { isOptional: true }) private readonly logger: Logger = NOOP_LOGGER,
    // Optional: 403s are summarized per cause only where the agent composes the denied-access log.
    @inject(DENIED_ACCESS_LOG, { isOptional: true }) private readonly denied?: DeniedAccessLog,
  ) {
    this.limiter = new TokenBucketRateLimiter(
      { qps: options.qps ?? DEFAULT_QPS, burst: options.burst ?? DEFAULT_BURST },
      clock,
    );
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = {
      maxRetries: options.maxRetries ?? 5,
      baseDelayMs: options.baseDelayMs ?? 200,
      maxDelayMs: options.maxDelayMs ?? 10_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    };
    this.userAgent = options.userAgent ?? 'kcp-tmc';
  }

  /**
   * One attempt, answered as a fetch Response. The timeout covers waiting for the response headers only, since
   * the body may stream for hours (watch, `follow=true` logs); the caller's signal ends the stream. Network
   * failures reject with a TmcError; any HTTP status resolves.
   */
  async send(req: HttpRequest): Promise<StreamResponse> {
    const answer = await this.stream(req);
    const init = {
      status: answer.status,
      statusText: answer.statusText,
      headers: new AnswerHeaders(answer.rawHeaders),
      url: joinUrl(this.connection.baseUrl, req.path).href,
    };
    const response = new AnswerResponse(answer.body, init, req.method);
    if (answer.status === 403 && this.denied !== undefined) {
      // The caller reads the body itself (readError); a clone leaves it to them.
      void response
        .clone()
        .text()
        .then((text) => this.reportDenied(req, parseBody(text)))
        .catch(() => undefined);
    }
    return { response, signal: answer.signal };
  }

  /**
   * One attempt, the body a Node stream (what watches read: no web streams). Same timeout and errors as
   * {@link send}; a 403 is reported by whoever reads its body ({@link readStreamError}).
   */
  async stream(req: HttpRequest): Promise<StreamAnswer> {
    const deadline = this.deadline(req);
    let body: Readable | undefined;
    try {
      let opened: Awaited<ReturnType<typeof openRequest>>;
      try {
        const prepared = await this.prepare(req, deadline.signal);
        opened = await openRequest(prepared, req.method, req.body, deadline.signal);
      } catch (err) {
        throw this.unreachable(req, classifyError(err, req.operation));
      }
      const { status, statusMessage } = opened;
      this.reportAnswer(req, status, statusMessage);
      body = decodedBody(opened);
      // In flight until the body is done with: closing the connection ends the watch.
      body.once('close', deadline.untrack);
      return {
        status,
        statusText: statusMessage,
        rawHeaders: opened.rawHeaders,
        headers: opened.headers,
        body,
        signal: deadline.signal,
      };
    } finally {
      deadline.clear();
      if (body === undefined) deadline.untrack();
    }
  }

  /** Reads a failed streamed answer into a TmcError, reporting a 403 as {@link json} does. */
  async readStreamError(req: HttpRequest, answer: StreamAnswer): Promise<TmcError> {
    const body = await readStreamBody(answer.body);
    if (answer.status === 403) this.reportDenied(req, body);
    return classifyHttpError({
      status: answer.status,
      body,
      retryAfter: headerValue(answer.headers['retry-after']) ?? null,
      operation: req.operation,
    });
  }

  /** Rate limit and authenticate: where the request goes, with which headers, through which pool. */
  private async prepare(req: HttpRequest, signal: AbortSignal): Promise<PreparedRequest> {
    await this.limiter.acquire(signal);
    const url = joinUrl(this.connection.baseUrl, req.path);
    const auth = await this.connection.authenticate(url, req.method);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'accept-encoding': JSON_ACCEPT_ENCODING,
      'user-agent': this.userAgent,
      ...req.headers,
      ...auth.headers,
    };
    this.logger.debug('request', { method: req.method, url: url.href }, 6);
    return { url, headers, agent: auth.agent };
  }

  /** An authorization refusal, logged once per call site with what to grant (see DeniedAccessLog). */
  private reportDenied(req: HttpRequest, body: unknown): void {
    this.denied?.report(this.connection.baseUrl.href, req.method, req.path, messageOf(body));
  }

  /** Names an unreachable server once (see FailureCauseLog); hands the error back for throwing. */
  private unreachable(req: HttpRequest, error: TmcError): TmcError {
    if (error.type === TmcErrorType.ClusterUnreachable && req.signal?.aborted !== true) {
      this.denied?.reportUnreachable(this.connection.baseUrl.href, req.method, req.path, error);
    }
    return error;
  }

  private reportAnswer(req: HttpRequest, status: number, body: unknown): void {
    this.denied?.reportAnswer(this.connection.baseUrl.href, req.method, req.path, status, () =>
      messageOf(body),
    );
  }

  /**
   * The request's abort signal: its timeout (`clear` stops the timer), the caller's signal, and the
   * connection's close, which ends it until `untrack` is called.
   */
  private deadline(req: HttpRequest): { signal: AbortSignal; clear(): void; untrack(): void } {
    const ms = req.timeoutMs ?? this.timeoutMs;
    const own = new AbortController();
    const timer = setTimeout(
      () => own.abort(new DOMException(`request timed out after ${ms} ms`, 'TimeoutError')),
      ms,
    );
    const untrack = this.connection.track(own);
    const signal = req.signal === undefined ? own.signal : AbortSignal.any([req.signal, own.signal]);
    return { signal, clear: () => clearTimeout(timer), untrack };
  }

  /**
   * A typed call: sends with retries (see {@link shouldRetry}), reads the body as JSON within the timeout,
   * and throws a TmcError for any non-2xx answer.
   */
  async json<T>(req: HttpRequest): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attemptJson<T>(req);
      } catch (err) {
        const error = classifyError(err, req.operation);
        const retry =
          req.maxRetries === undefined ? this.retry : { ...this.retry, maxRetries: req.maxRetries };
        if (req.signal?.aborted === true || !shouldRetry(req.method, error, attempt, retry)) throw error;
        const delay = retryDelayMs(error, attempt, this.retry);
        this.logger.debug(
          'retrying request',
          { operation: req.operation, attempt, delay, error: error.type },
          4,
        );
        await sleep(this.clock, delay, req.signal);
      }
    }
  }

  /**
   * One typed attempt, the body read whole (no web streams, Request, Response or Headers objects): the hot
   * path of every get, list, create, update, patch and delete.
   */
  private async attemptJson<T>(req: HttpRequest): Promise<T> {
    // The body is part of the answer here: one timer covers headers and body together.
    const deadline = this.deadline(req);
    try {
      let answer: JsonAnswer;
      try {
        const prepared = await this.prepare(req, deadline.signal);
        answer = await requestJson(prepared, req.method, req.body, deadline.signal);
      } catch (err) {
        throw this.unreachable(req, classifyError(err, req.operation));
      }
      this.reportAnswer(req, answer.status, answer.body);
      if (answer.status < 200 || answer.status > 299) {
        if (answer.status === 403) this.reportDenied(req, answer.body);
        throw classifyHttpError({
          status: answer.status,
          body: answer.body,
          retryAfter: answer.retryAfter,
          operation: req.operation,
        });
      }
      return answer.body as T;
    } finally {
      deadline.clear();
      deadline.untrack();
    }
  }
}

export { readError } from './answer-errors.js';
