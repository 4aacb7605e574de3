import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Where a raw request goes: either server (the simulator over HTTP, a real kube-apiserver over HTTPS). */
export interface RawEndpoint {
  url: string;
  token: string;
  ca?: string;
}

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request with exact bytes in and out (no client library in between to re-encode anything). */
export function rawRequest(
  to: RawEndpoint,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<RawReply> {
  const url = new URL(path, to.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method,
        // Explicit length: Node sends a DELETE body unframed otherwise.
        headers: {
          authorization: `Bearer ${to.token}`,
          ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
          ...headers,
        },
        ...(to.ca ? { ca: to.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
