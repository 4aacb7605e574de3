import {
  type GVR,
  type KubeClient,
  type KubeObject,
  SECRETS_GVR,
  SERVICE_ACCOUNTS_GVR,
  type SyncTarget,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { AgentStartError, describe } from '../agent/upstream-access.js';
import { upstreamClusterRoleRules } from './rbac.js';

const CLUSTER_ROLES: GVR = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles' };
const CLUSTER_ROLE_BINDINGS: GVR = { ...CLUSTER_ROLES, resource: 'clusterrolebindings' };
const RBAC = 'rbac.authorization.k8s.io';

export interface UpstreamObjectsInput {
  readonly syncerId: string;
  readonly syncTarget: SyncTarget;
  /** The workspace namespace of the ServiceAccount (kcp's `--kcp-namespace`, default `default`). */
  readonly kcpNamespace: string;
}

/**
 * What `kubectl kcp workload sync` creates in the SyncTarget's workspace, all named by the syncer id and owned by
 * the SyncTarget: a ServiceAccount, the ClusterRole scoped to that one SyncTarget and its binding. The token
 * Secret is added for an admin who applies these by hand (kcp's plugin reads the one kcp generated).
 */
export function upstreamObjects(input: UpstreamObjectsInput, withTokenSecret = false): KubeObject[] {
  const { syncerId: id, kcpNamespace: namespace, syncTarget } = input;
  const targetName = syncTarget.metadata.name ?? '';
  const ownerReferences = [
    {
      apiVersion: 'workload.kcp.io/v1alpha1',
      kind: 'SyncTarget',
      name: targetName,
      uid: syncTarget.metadata.uid ?? '',
    },
  ];
  const objects: KubeObject[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: id, namespace, ownerReferences } },
    {
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRole',
      metadata: { name: id, ownerReferences },
      rules: upstreamClusterRoleRules(targetName) as unknown as KubeObject[],
    },
    {
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: id, ownerReferences },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: id },
      subjects: [{ kind: 'ServiceAccount', name: id, namespace }],
    },
  ];
  if (withTokenSecret) objects.push(tokenSecret(id, namespace));
  return objects;
}

function tokenSecret(id: string, namespace: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `${id}-token`, namespace, annotations: { 'kubernetes.io/service-account.name': id } },
    type: 'kubernetes.io/service-account-token',
  };
}

const GVR_OF: Record<string, GVR> = {
  ServiceAccount: SERVICE_ACCOUNTS_GVR,
  ClusterRole: CLUSTER_ROLES,
  ClusterRoleBinding: CLUSTER_ROLE_BINDINGS,
  Secret: SECRETS_GVR,
};

/** Creates each object, or brings an existing one to the rendered rules, subjects and owners (kcp does too). */
export async function applyUpstreamObjects(
  client: KubeClient,
  objects: readonly KubeObject[],
  cluster: string | undefined,
  log: (line: string) => void,
): Promise<void> {
  for (const object of objects) {
    const gvr = GVR_OF[object.kind ?? ''] as GVR;
    const scope = {
      ...(cluster === undefined ? {} : { cluster }),
      ...(object.metadata.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
    };
    const what = `${object.kind} ${object.metadata.name}`;
    try {
      await client.create(gvr, object, scope);
      log(`Created ${what} upstream.\n`);
    } catch (err) {
      if (!(err instanceof TmcError && err.type === TmcErrorType.AlreadyExists)) {
        throw new AgentStartError(`cannot create ${what} upstream: ${describe(err)}${adminHint(err)}`);
      }
      const live = await client.get(gvr, { ...scope, name: object.metadata.name ?? '' });
      const owners = [
        ...((live.metadata.ownerReferences ?? []) as Array<{ uid: string }>),
        ...((object.metadata.ownerReferences ?? []) as Array<{ uid: string }>),
      ].filter((o, i, all) => all.findIndex((p) => p.uid === o.uid) === i);
      const { apiVersion, kind, metadata, ...content } = object;
      await client.update(
        gvr,
        { ...live, ...content, metadata: { ...live.metadata, ownerReferences: owners } } as KubeObject,
        scope,
      );
      log(`Updated ${what} upstream.\n`);
    }
  }
}

function adminHint(err: unknown): string {
  return err instanceof TmcError && err.type === TmcErrorType.Forbidden
    ? ' (without access, print the upstream objects with --upstream-objects=print for an admin to apply, then run again with --upstream-objects=existing)'
    : '';
}

/**
 * The ServiceAccount's token, from the Secret kcp's token controller made for it (kcp's plugin waits for
 * `secrets[0]`), or from the `<id>-token` Secret an admin applied; when neither appears within a few seconds
 * that Secret is created, which the token controller fills. Gives up after `timeoutMs`.
 */
export async function serviceAccountToken(
  client: KubeClient,
  id: string,
  namespace: string,
  cluster: string | undefined,
  options: { create: boolean; timeoutMs?: number; pollMs?: number },
): Promise<string> {
  const scope = { ...(cluster === undefined ? {} : { cluster }), namespace };
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const createAfter = Date.now() + 5_000;
  let created = false;
  for (;;) {
    const account = await client.get(SERVICE_ACCOUNTS_GVR, { ...scope, name: id });
    const names = [
      ...((account.secrets ?? []) as Array<{ name?: string }>).flatMap((s) => (s.name ? [s.name] : [])),
      `${id}-token`,
    ];
    for (const name of names) {
      const token = await readToken(client, { ...scope, name });
      if (token !== undefined) return token;
    }
    if (options.create && !created && Date.now() >= createAfter) {
      await client.create(SECRETS_GVR, tokenSecret(id, namespace), scope).catch((err: unknown) => {
        if (!(err instanceof TmcError && err.type === TmcErrorType.AlreadyExists)) throw err;
      });
      created = true;
    }
    if (Date.now() >= deadline) {
      throw new AgentStartError(
        `no token for ServiceAccount ${namespace}/${id} upstream: no Secret of type kubernetes.io/service-account-token names it (apply the upstream objects from --upstream-objects=print, which include one)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
  }
}

async function readToken(
  client: KubeClient,
  ref: { name: string; namespace: string; cluster?: string },
): Promise<string | undefined> {
  try {
    const secret = await client.get(SECRETS_GVR, ref);
    const data = (secret.data ?? {}) as { token?: string };
    if (secret.type !== 'kubernetes.io/service-account-token' || !data.token) return undefined;
    return Buffer.from(data.token, 'base64').toString('utf8');
  } catch (err) {
    if (err instanceof TmcError && err.type === TmcErrorType.NotFound) return undefined;
    throw err;
  }
}
