/**
 * On the upstream object (annotation or label, value `"true"`): keep the downstream `spec.replicas`, which an
 * HPA (or anyone scaling downstream) owns. Karmada's label `resourcetemplate.karmada.io/retain-replicas` is
 * honoured too.
 */
export const RETAIN_REPLICAS_ANNOTATION = 'workload.kcp-tmc.io/retain-replicas';
export const KARMADA_RETAIN_REPLICAS_LABEL = 'resourcetemplate.karmada.io/retain-replicas';

/** On the upstream object (`"true"`): on deletion, leave the downstream object and drop our ownership label. */
export const ORPHAN_ANNOTATION = 'workload.kcp-tmc.io/orphan';

/** Objects whose JSON is larger are Invalid (the simulator's and a sane etcd's limit: 1.5 MiB). */
export const DEFAULT_MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;
