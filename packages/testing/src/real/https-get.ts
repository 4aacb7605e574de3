import { request as requestHttp } from 'node:http';
import { request } from 'node:https';

export interface GetResult {
  readonly status: number;
  readonly body: string;
}

/**
 * One GET with a short timeout, for readiness polls; resolves undefined when nothing answered (refused,
 * reset, timed out), so a poll loop can tell "not up yet" from an HTTP answer.
 */
export function getOnce(
  url: string,
  options: { readonly ca?: string; readonly token?: string; readonly timeoutMs?: number } = {},
): Promise<GetResult | undefined> {
  const send = url.startsWith('https:') ? request : requestHttp;
  return new Promise((resolve) => {
    const req = send(
      url,
      {
        method: 'GET',
        timeout: options.timeoutMs ?? 2_000,
        ...(options.ca ? { ca: options.ca } : {}),
        headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', () => resolve(undefined));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
