import type { Readable } from 'node:stream';
import { classifyHttpError, type TmcError } from '@kcp-tmc/interfaces';
import { parseJson } from './json-request.js';

/** A Status body's message, or the body as text. */
export function messageOf(body: unknown): string {
  return typeof body === 'object' &&
    body !== null &&
    typeof (body as { message?: unknown }).message === 'string'
    ? (body as { message: string }).message
    : String(body ?? '');
}

export function parseBody(text: string): unknown {
  try {
    return parseJson(text);
  } catch {
    return text;
  }
}

/** Reads a failed response into a TmcError (status, reason, causes, Retry-After). */
export async function readError(response: Response, operation: string): Promise<TmcError> {
  let body: unknown;
  try {
    const text = await response.text();
    body = text === '' ? undefined : parseJson(text);
  } catch {
    body = undefined;
  }
  return errorFromResponse(response, body, operation);
}

function errorFromResponse(response: Response, body: unknown, operation: string): TmcError {
  return classifyHttpError({
    status: response.status,
    body,
    retryAfter: response.headers.get('retry-after'),
    operation,
  });
}

/** A streamed error body, read whole: JSON, the text when it is not JSON, undefined when empty or broken. */
export async function readStreamBody(body: Readable): Promise<unknown> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return text === '' ? undefined : parseJson(text);
  } catch {
    return undefined;
  }
}
