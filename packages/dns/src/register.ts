import { LOGGER, NOOP_LOGGER } from '@kcp-tmc/interfaces';
import type { DependencyContainer } from 'tsyringe';
import { WORKSPACE_NAMESERVER_OPTIONS } from './tokens.js';
import type { WorkspaceNameServerOptions } from './workspace-nameserver.js';

/**
 * Binds the nameserver's options; `container.resolve(WorkspaceNameServer)` then builds it. The container must
 * hold `DOWNSTREAM_KUBE_CLIENT` (the cluster the nameserver runs in); `LOGGER` gets a no-op default only when
 * nothing is registered for it yet.
 */
export function registerDns(
  container: DependencyContainer,
  options: WorkspaceNameServerOptions,
): DependencyContainer {
  container.register(WORKSPACE_NAMESERVER_OPTIONS, { useValue: options });
  // Recursive: a logger the parent container binds is kept, not hidden by the no-op.
  if (!container.isRegistered(LOGGER, true)) container.register(LOGGER, { useValue: NOOP_LOGGER });
  return container;
}
