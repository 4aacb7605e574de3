import { createHmac, randomBytes } from 'node:crypto';
import type { ResourceService } from '../api/service.js';
import { ApiError } from '../api/status.js';
import type { Target } from '../api/target.js';
import { cloneJson, type KubeObject } from '../api/types.js';
import { WorkQueue } from '../controllers/queue.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const SERVICE_ACCOUNT_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
export const SERVICE_ACCOUNT_UID_ANNOTATION = 'kubernetes.io/service-account.uid';
export const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';
/** rootcacertpublisher's annotation, word for word (k8s.io/kubernetes pkg/controller/certificates/rootcacertpublisher). */
export const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the ' +
  'internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

const NAMESPACES = '/namespaces';
const SERVICE_ACCOUNTS = '/serviceaccounts';
const SECRETS = '/secrets';
const CONFIGMAPS = '/configmaps';
// names.SimpleNameGenerator's alphabet, as the token controller's GenerateName uses it.
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64url = (s: string) => Buffer.from(s).toString('base64url');

export interface ServiceAccountControllerOptions {
  /** The CA bundle kcp serves with, published as `ca.crt`. */
  caPem: string;
}

/**
 * The kube controllers kcp runs in every workspace (pkg/server/controllers.go): the service account controller
 * (a `default` ServiceAccount in each namespace), the legacy token controller with AutoGenerate (a
 * `<sa>-token-xxxxx` Secret per ServiceAccount, listed in its `secrets`) and the root CA publisher (the
 * `kube-root-ca.crt` ConfigMap). Each recreates its object when it is deleted, as theirs do.
 */
export class ServiceAccountControllers {
  private readonly queue: WorkQueue;
  /** Signs the legacy tokens (kcp signs with its service account key; nobody verifies them here). */
  private readonly signingKey = randomBytes(32);

  constructor(
    private readonly service: ResourceService,
    private readonly options: ServiceAccountControllerOptions,
  ) {
    this.queue = new WorkQueue((key) => this.reconcile(key));
    service.onCommit(({ target, cluster, object }) => {
      const { group, resource } = target.rt;
      if (group !== '') return;
      const namespace = object.metadata.namespace!;
      if (resource === 'namespaces') this.enqueue(cluster, object.metadata.name!);
      else if (resource === 'serviceaccounts') this.enqueue(cluster, namespace);
      else if (resource === 'secrets' && (object as { type?: string }).type === SERVICE_ACCOUNT_TOKEN_TYPE)
        this.enqueue(cluster, namespace);
      else if (resource === 'configmaps' && object.metadata.name === ROOT_CA_CONFIGMAP)
        this.enqueue(cluster, namespace);
    });
  }

  stop(): void {
    this.queue.stop();
  }

  private enqueue(cluster: string, namespace: string): void {
    this.queue.add(JSON.stringify([cluster, namespace]));
  }

  private target(cluster: string, resource: string, namespace: string): Target {
    const rt = this.service.registry.lookupGroupResource(cluster, '', resource)!;
    return { cluster, rt, version: 'v1', namespace };
  }

  /** Creates, ignoring AlreadyExists and a namespace that began terminating meanwhile (403). */
  private create(
    cluster: string,
    resource: string,
    namespace: string,
    obj: KubeObject,
  ): KubeObject | undefined {
    try {
      return this.service.create(this.target(cluster, resource, namespace), obj, { fieldManager: 'kcp' })
        .object;
    } catch (err) {
      if (err instanceof ApiError && (err.code === 409 || err.code === 403)) return undefined;
      throw err;
    }
  }

  private reconcile(queueKey: string): void {
    const [cluster, namespace] = JSON.parse(queueKey) as [string, string];
    const ns = this.service.store.get(cluster, NAMESPACES, '', namespace);
    if (!ns || ns.metadata.deletionTimestamp) return;
    if (!this.service.store.get(cluster, SERVICE_ACCOUNTS, namespace, DEFAULT_SERVICE_ACCOUNT)) {
      this.create(cluster, 'serviceaccounts', namespace, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: DEFAULT_SERVICE_ACCOUNT },
      });
    }
    for (const { object: sa } of this.service.store.list(cluster, SERVICE_ACCOUNTS, namespace)) {
      if (!sa.metadata.deletionTimestamp) this.ensureToken(cluster, sa);
    }
    this.ensureRootCa(cluster, namespace);
  }

  /**
   * The token controller's sync: a ServiceAccount whose `secrets` lists none of its existing token Secrets gets
   * one (an unlisted one of its own first: a retry after a lost SA update must not make a second), and
   * references to its deleted token Secrets are dropped.
   */
  private ensureToken(cluster: string, sa: KubeObject & { secrets?: { name?: string }[] }): void {
    const namespace = sa.metadata.namespace!;
    const refs = sa.secrets ?? [];
    const tokens = [...this.service.store.list(cluster, SECRETS, namespace)]
      .map(({ object }) => object)
      .filter(
        (s) =>
          (s as { type?: string }).type === SERVICE_ACCOUNT_TOKEN_TYPE &&
          s.metadata.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION] === sa.metadata.name &&
          s.metadata.annotations?.[SERVICE_ACCOUNT_UID_ANNOTATION] === sa.metadata.uid,
      );
    const names = new Set(tokens.map((s) => s.metadata.name!));
    const prefix = `${sa.metadata.name}-token-`;
    const kept = refs.filter((ref) => !ref.name?.startsWith(prefix) || names.has(ref.name));
    const listed = tokens.some((s) => kept.some((ref) => ref.name === s.metadata.name));
    if (listed && kept.length === refs.length) return;
    const token = listed ? undefined : (tokens[0] ?? this.createToken(cluster, sa));
    if (!listed && !token) return;
    const next = cloneJson(sa);
    next.secrets = token ? [...kept, { name: token.metadata.name! }] : kept;
    const target = { ...this.target(cluster, 'serviceaccounts', namespace), name: sa.metadata.name };
    this.service.update(target, next, { fieldManager: 'kcp' });
  }

  private createToken(cluster: string, sa: KubeObject): KubeObject | undefined {
    const namespace = sa.metadata.namespace!;
    let suffix = '';
    for (let i = 0; i < 5; i++) suffix += NAME_ALPHABET[Math.floor(Math.random() * NAME_ALPHABET.length)];
    const name = `${sa.metadata.name}-token-${suffix}`;
    return this.create(cluster, 'secrets', namespace, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name,
        annotations: {
          [SERVICE_ACCOUNT_NAME_ANNOTATION]: sa.metadata.name!,
          [SERVICE_ACCOUNT_UID_ANNOTATION]: sa.metadata.uid!,
        },
      },
      type: SERVICE_ACCOUNT_TOKEN_TYPE,
      data: {
        'ca.crt': b64(this.options.caPem),
        namespace: b64(namespace),
        token: b64(this.legacyToken(cluster, sa, name)),
      },
    } as KubeObject);
  }

  /** A legacy service account JWT with the claims kube's LegacyClaims carries, plus kcp's clusterName. */
  private legacyToken(cluster: string, sa: KubeObject, secretName: string): string {
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const claims = b64url(
      JSON.stringify({
        iss: 'kubernetes/serviceaccount',
        'kubernetes.io/serviceaccount/namespace': sa.metadata.namespace,
        'kubernetes.io/serviceaccount/secret.name': secretName,
        'kubernetes.io/serviceaccount/service-account.name': sa.metadata.name,
        'kubernetes.io/serviceaccount/service-account.uid': sa.metadata.uid,
        'kubernetes.io/serviceaccount/clusterName': cluster,
        sub: `system:serviceaccount:${sa.metadata.namespace}:${sa.metadata.name}`,
      }),
    );
    const signature = createHmac('sha256', this.signingKey).update(`${header}.${claims}`).digest('base64url');
    return `${header}.${claims}.${signature}`;
  }

  private ensureRootCa(cluster: string, namespace: string): void {
    const data = { 'ca.crt': this.options.caPem };
    const existing = this.service.store.get(cluster, CONFIGMAPS, namespace, ROOT_CA_CONFIGMAP);
    if (!existing) {
      this.create(cluster, 'configmaps', namespace, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: ROOT_CA_CONFIGMAP,
          annotations: { 'kubernetes.io/description': ROOT_CA_DESCRIPTION },
        },
        data,
      } as KubeObject);
      return;
    }
    const current = (existing as { data?: Record<string, string> }).data;
    if (
      current?.['ca.crt'] === data['ca.crt'] &&
      Object.keys(current).length === 1 &&
      existing.metadata.annotations?.['kubernetes.io/description']
    )
      return;
    // The publisher puts back what someone changed.
    const next = cloneJson(existing) as KubeObject & { data?: Record<string, string> };
    next.data = data;
    next.metadata.annotations = {
      ...next.metadata.annotations,
      'kubernetes.io/description': ROOT_CA_DESCRIPTION,
    };
    const target = { ...this.target(cluster, 'configmaps', namespace), name: ROOT_CA_CONFIGMAP };
    this.service.update(target, next, { fieldManager: 'kcp' });
  }
}
