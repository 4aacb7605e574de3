import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubectlRun } from './kubectl.js';

/** Where and how to reach a server's API directly (for what kubectl cannot ask for: a raw Table). */
export interface RawEndpoint {
  base: string;
  ca?: string;
  token?: string;
}

/** GET with an Accept header; the answer in kubectl's outcome shape (code = HTTP status, stdout = body). */
export function rawGet(endpoint: RawEndpoint, path: string, accept: string): Promise<KubectlRun> {
  const url = new URL(`${endpoint.base}${path}`);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string> = { accept };
  if (endpoint.token) headers.authorization = `Bearer ${endpoint.token}`;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'GET', headers, ...(endpoint.ca ? { ca: endpoint.ca } : {}) },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ code: res.statusCode ?? 0, stdout: body, stderr: '' }));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${path}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}
