import WebSocket from 'ws';

/** How an upgrade request ended downstream. */
export type DownstreamUpgrade =
  | { upgraded: true; socket: WebSocket }
  | { upgraded: false; status: number; headers: Record<string, string>; body: Uint8Array };

/** Opens WebSocket upgrades (exec, attach) on the downstream API server. */
export interface DownstreamUpgrader {
  connect(path: string, protocols: readonly string[], signal: AbortSignal): Promise<DownstreamUpgrade>;
}

export interface WebSocketUpgraderOptions {
  /** Downstream API server base URL (`https://host:6443`). */
  server: string;
  /**
   * Connection options for each dial: credentials and TLS. With @kubernetes/client-node:
   * `async () => { const o = {}; await kubeConfig.applyToHTTPSOptions(o); return o; }`.
   */
  options?: () => WebSocket.ClientOptions | Promise<WebSocket.ClientOptions>;
  handshakeTimeoutMs?: number;
}

/** A {@link DownstreamUpgrader} over `ws`, authenticated by whatever the options factory supplies. */
export class WebSocketUpgrader implements DownstreamUpgrader {
  private readonly base: string;

  constructor(private readonly config: WebSocketUpgraderOptions) {
    this.base = config.server.replace(/\/$/, '').replace(/^http/, 'ws');
  }

  async connect(path: string, protocols: readonly string[], signal: AbortSignal): Promise<DownstreamUpgrade> {
    signal.throwIfAborted();
    const options = (await this.config.options?.()) ?? {};
    return new Promise<DownstreamUpgrade>((resolve, reject) => {
      const socket = new WebSocket(this.base + path, [...protocols], {
        ...options,
        perMessageDeflate: false,
        handshakeTimeout: this.config.handshakeTimeoutMs ?? 30_000,
      });
      const onAbort = () => socket.terminate();
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('end', () => {
          signal.removeEventListener('abort', onAbort);
          const headers: Record<string, string> = {};
          const type = res.headers['content-type'];
          if (type !== undefined) headers['content-type'] = type;
          resolve({ upgraded: false, status: res.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
          socket.terminate();
        });
      });
      socket.once('open', () => {
        signal.removeEventListener('abort', onAbort);
        resolve({ upgraded: true, socket });
      });
      socket.on('error', (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(signal.aborted ? signal.reason : err);
      });
    });
  }
}
