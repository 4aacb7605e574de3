/**
 * Tokens of this package's own building blocks. The shared tokens (UPSTREAM_KUBE_CLIENT, ...) live in
 * @kcp-tmc/interfaces; these wire one side (upstream or downstream) inside its own child container.
 */
/** {@link ClusterConnection} of one side. */
export const CLUSTER_CONNECTION: unique symbol = Symbol.for('@kcp-tmc/kube/ClusterConnection');
/** {@link TransportOptions} of one side. */
export const TRANSPORT_OPTIONS: unique symbol = Symbol.for('@kcp-tmc/kube/TransportOptions');
/** {@link RestMapperOptions} of one side. */
export const REST_MAPPER_OPTIONS: unique symbol = Symbol.for('@kcp-tmc/kube/RestMapperOptions');
/** The {@link KubeClient} of one side, inside that side's container. */
export const KUBE_CLIENT: unique symbol = Symbol.for('@kcp-tmc/kube/KubeClient');
/** {@link InformerConfig} of one side. */
export const INFORMER_CONFIG: unique symbol = Symbol.for('@kcp-tmc/kube/InformerConfig');
/** {@link DeniedAccessLog} of one side: authorization refusals logged once with what to grant. */
export const DENIED_ACCESS_LOG: unique symbol = Symbol.for('@kcp-tmc/kube/DeniedAccessLog');
