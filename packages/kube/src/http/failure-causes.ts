import { groupResourceString, type Logger, type TmcError } from '@kcp-tmc/interfaces';
import { parseDenied } from './denied-access.js';

/**
 * One line per cause and server for the failures that otherwise only show as informers backing off or caches
 * that never sync: a server that cannot be reached, and one that refuses the agent's credentials (HTTP 401).
 * Logged again after the server answered normally in between, so a second outage is named too.
 */
export class FailureCauseLog {
  private readonly logged = new Set<string>();

  constructor(
    private readonly side: string,
    private readonly logger: Logger,
  ) {}

  /** A network failure (`error` is ClusterUnreachable) reaching `server` for `method path`. */
  unreachable(server: string, method: string, path: string, error: TmcError): void {
    if (!this.first(`unreachable ${server}`)) return;
    this.logger.error(
      `${this.side} ${server} unreachable on ${describe(this.side, server, method, path)}: check the server address in the ${this.side} kubeconfig and the network to it`,
      { server, error: error.message },
    );
  }

  /** An HTTP 401: the server does not accept the credentials of the side's kubeconfig. */
  unauthorized(server: string, method: string, path: string, message: string): void {
    if (!this.first(`401 ${server}`)) return;
    this.logger.error(
      `${this.side} ${server} rejects the agent's credentials (HTTP 401 Unauthorized) on ${describe(this.side, server, method, path)}: renew the token or client certificate of the ${this.side} kubeconfig`,
      { server, status: 401, reason: message },
    );
  }

  /** The server answered (any status but 401): a later failure is news again. */
  answered(server: string, status: number): void {
    if (this.logged.size === 0) return;
    this.logged.delete(`unreachable ${server}`);
    if (status !== 401) this.logged.delete(`401 ${server}`);
  }

  private first(key: string): boolean {
    if (this.logged.has(key)) return false;
    this.logged.add(key);
    return true;
  }
}

/** `list namespaces` for a resource path, else the method and path. */
function describe(side: string, server: string, method: string, path: string): string {
  const request = parseDenied(side, server, method, path, '');
  if (request === undefined) return `${method} ${new URL(path, 'http://request').pathname}`;
  const resource = groupResourceString(request);
  return `${request.verb} ${resource}${request.subresource === undefined ? '' : `/${request.subresource}`}`;
}
