import { cloneJson, isPlainObject, type KubeObject } from '../api/types.js';
import type { InProcessClient } from './client.js';
import { controllerRef, type Obj, recordEvent } from './shared.js';

/**
 * A pod from a workload's pod template, controlled by the workload and named after it (generateName), with the
 * SuccessfulCreate event the ReplicaSet and Job controllers record.
 */
export function createTemplatePod(
  client: InProcessClient,
  cluster: string,
  owner: KubeObject,
  template: Obj,
  manager: string,
): KubeObject {
  const namespace = owner.metadata.namespace ?? '';
  const meta = (isPlainObject(template.metadata) ? template.metadata : {}) as Obj;
  const pod = client.create(
    cluster,
    '',
    'pods',
    namespace,
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${owner.metadata.name}-`,
        namespace,
        labels: meta.labels as Record<string, string>,
        ownerReferences: [controllerRef(owner)],
      },
      spec: cloneJson((template.spec ?? {}) as Obj),
    },
    manager,
  );
  recordEvent(
    client,
    cluster,
    owner,
    'Normal',
    'SuccessfulCreate',
    `Created pod: ${pod.metadata.name}`,
    manager,
  );
  return pod;
}
