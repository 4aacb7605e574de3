/**
 * Tokens of this package's configuration. The shared contracts (`DOWNSTREAM_KUBE_CLIENT`, `LOGGER`) come from
 * @kcp-tmc/interfaces. `Symbol.for` keeps them equal across copies of the package.
 */

/** {@link WorkspaceNameServerOptions} */
export const WORKSPACE_NAMESERVER_OPTIONS: unique symbol = Symbol.for(
  '@kcp-tmc/dns/WorkspaceNameServerOptions',
);
