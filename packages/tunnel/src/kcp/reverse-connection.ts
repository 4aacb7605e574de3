import type { ClientHttp2Session, ClientHttp2Stream } from 'node:http2';

const MAX_ERROR_BODY = 1_024;

/**
 * One GET on the SyncTarget's `tunnel` subresource with a request body that stays open: kcp answers 200 and the
 * stream becomes a byte pipe (our writes are the request body, kcp's the response body). Anything but 200
 * (401, 403, 404 without the gate) rejects with kcp's answer.
 */
export function openReverseConnection(
  session: ClientHttp2Session,
  path: string,
  token: string,
): Promise<ClientHttp2Stream> {
  return new Promise<ClientHttp2Stream>((resolve, reject) => {
    const stream = session.request(
      { ':method': 'GET', ':path': path, authorization: `Bearer ${token}` },
      { endStream: false },
    );
    const failed = (err: Error) => reject(err);
    stream.once('error', failed);
    stream.once('close', () =>
      reject(new Error(`tunnel stream closed before kcp answered (${stream.rstCode})`)),
    );
    stream.once('response', (headers) => {
      const status = Number(headers[':status']);
      if (status === 200) {
        stream.off('error', failed);
        resolve(stream);
        return;
      }
      let body = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        if (body.length < MAX_ERROR_BODY) body += chunk;
      });
      stream.once('end', () => {
        reject(new Error(`kcp answered the tunnel with ${status}: ${body.slice(0, MAX_ERROR_BODY)}`));
        stream.close();
      });
      stream.end();
    });
  });
}
