import { groupResourceString, type Logger, type TmcError } from '@kcp-tmc/interfaces';
import { FailureCauseLog } from './failure-causes.js';

/** What an API server refused (HTTP 403 from its authorizer), read back from the request path. */
export interface DeniedRequest {
  /** `upstream` or `downstream`. */
  readonly side: string;
  readonly server: string;
  /** Kube verb: get, list, watch, create, update, patch, delete, deletecollection. */
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
  /** From the path, or from a list/watch's `metadata.name` field selector (as the authorizer names it). */
  readonly name?: string;
  /** kcp logical cluster (`/clusters/<name>`), when the path names one. */
  readonly cluster?: string;
  /** The server's own message. */
  readonly message: string;
}

/** What to grant for a denied request; undefined keeps the generic advice. */
export type DeniedAccessHint = (request: DeniedRequest) => string | undefined;

// RBAC's and kcp's authorization refusals; other 403s (a terminating namespace, an exceeded quota) are
// admission answers that granting nothing would fix, and their callers handle them.
const AUTHORIZATION_DENIAL = /\bcannot \S+ resource\b|access not permitted|\bnot authorized\b/i;

/**
 * Logs each authorization refusal once per (server, verb, group/resource, name) at warning level, saying what
 * to grant: a denied list or watch otherwise only shows as an informer retrying with backoff.
 */
export class DeniedAccessLog {
  private readonly seen = new Set<string>();
  /** The side's other failure causes (unreachable, 401), one line each. */
  private readonly causes: FailureCauseLog;

  constructor(
    private readonly side: string,
    private readonly logger: Logger,
    private readonly hint?: DeniedAccessHint,
  ) {
    this.causes = new FailureCauseLog(side, logger);
  }

  /** A network failure reaching the server (see FailureCauseLog). */
  reportUnreachable(server: string, method: string, path: string, error: TmcError): void {
    this.causes.unreachable(server, method, path, error);
  }

  /** Any HTTP answer: a 401 is named once; other answers re-arm the unreachable and 401 lines. */
  reportAnswer(server: string, method: string, path: string, status: number, message: () => string): void {
    if (status === 401) this.causes.unauthorized(server, method, path, message());
    else this.causes.answered(server, status);
  }

  /** `path` is the request's path and query below the server's base URL. */
  report(server: string, method: string, path: string, message: string): void {
    if (!AUTHORIZATION_DENIAL.test(message)) return;
    const denied = parseDenied(this.side, server, method, path, message);
    if (denied === undefined) return;
    const gr = groupResourceString(denied);
    const key = JSON.stringify([server, denied.verb, gr, denied.subresource, denied.namespace, denied.name]);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const what = `${gr}${denied.subresource === undefined ? '' : `/${denied.subresource}`}`;
    const name = denied.name === undefined ? '' : ` "${denied.name}"`;
    const where = `${denied.namespace === undefined ? '' : ` in namespace ${denied.namespace}`}${denied.cluster === undefined ? '' : ` in cluster ${denied.cluster}`}`;
    const grant = this.hint?.(denied) ?? genericGrant(denied);
    this.logger.warn(`${this.side} denies ${denied.verb} ${what}${name}${where} (HTTP 403): ${grant}`, {
      server,
      status: 403,
      reason: message,
    });
  }
}

function genericGrant(d: DeniedRequest): string {
  const resource = d.subresource === undefined ? d.resource : `${d.resource}/${d.subresource}`;
  const names = d.name === undefined ? '' : ` (resourceNames: ${d.name})`;
  return `grant verb ${d.verb} on ${resource} in API group "${d.group}"${names} to the agent's identity`;
}

const VERBS: Readonly<Record<string, string>> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
};

/** Reads a resource request path (`[/clusters/<c>]/api(s)/...`); undefined for anything else. */
export function parseDenied(
  side: string,
  server: string,
  method: string,
  path: string,
  message: string,
): DeniedRequest | undefined {
  const url = new URL(path, 'http://request');
  let parts = url.pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  let cluster: string | undefined;
  if (parts[0] === 'clusters' && parts[1] !== undefined) {
    cluster = parts[1];
    parts = parts.slice(2);
  }
  let group: string;
  if (parts[0] === 'api' && parts[1] !== undefined) {
    group = '';
    parts = parts.slice(2);
  } else if (parts[0] === 'apis' && parts[1] !== undefined && parts[2] !== undefined) {
    group = parts[1];
    parts = parts.slice(3);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  // A namespace's own subresources (`namespaces/<ns>/status`) are not objects inside it.
  const namespaceSubresource =
    parts[0] === 'namespaces' && parts.length === 3 && ['status', 'finalize'].includes(parts[2] as string);
  if (parts[0] === 'namespaces' && parts.length > 2 && !namespaceSubresource) {
    namespace = parts[1];
    parts = parts.slice(2);
  }
  const [resource, pathName, subresource] = parts;
  if (resource === undefined) return undefined;
  const query = url.searchParams;
  const selected = /(?:^|,)\s*metadata\.name\s*==?\s*([^,\s]+)/.exec(query.get('fieldSelector') ?? '')?.[1];
  const watch = ['1', 'true'].includes(query.get('watch') ?? '');
  const upper = method.toUpperCase();
  const verb =
    VERBS[upper] ??
    (upper === 'DELETE'
      ? pathName === undefined
        ? 'deletecollection'
        : 'delete'
      : pathName !== undefined
        ? 'get'
        : watch
          ? 'watch'
          : 'list');
  const name = pathName ?? (verb === 'list' || verb === 'watch' ? selected : undefined);
  return {
    side,
    server,
    verb,
    group,
    resource,
    message,
    ...(subresource === undefined ? {} : { subresource }),
    ...(namespace === undefined ? {} : { namespace }),
    ...(name === undefined ? {} : { name }),
    ...(cluster === undefined || cluster === '*' ? {} : { cluster }),
  };
}
