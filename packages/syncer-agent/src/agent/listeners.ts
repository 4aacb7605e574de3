import { ProbeServer, Profiler } from '@kcp-tmc/health';
import type { HealthManager, Logger } from '@kcp-tmc/interfaces';
import { SyncerMetrics } from '@kcp-tmc/metrics';
import type { DependencyContainer } from 'tsyringe';
import { agentVersion } from '../cli/version.js';
import type { AgentOptions, ListenAddress } from '../config/options.js';
import type { Runnable } from './manager.js';
import { AgentStartError } from './upstream-access.js';

export interface AgentEndpoints {
  /** Base URL of /metrics, when served. */
  metrics?: string;
  /** Base URL of /healthz /readyz /livez, when served. */
  probes?: string;
}

/**
 * The /metrics and probe listeners (one when both flags name the same address), filling `endpoints` with their
 * URLs once listening. A bind failure is a start error naming the address.
 */
export function listeners(
  container: DependencyContainer,
  options: AgentOptions,
  health: HealthManager,
  endpoints: AgentEndpoints,
  logger: Logger,
): Runnable {
  const servers: ProbeServer[] = [];
  const serve = async (
    at: ListenAddress,
    parts: { health?: HealthManager; metrics?: SyncerMetrics; profiler?: Profiler },
  ) => {
    const server = new ProbeServer({ host: at.host, port: at.port, logger, ...parts });
    const { url } = await server.start().catch((err: Error) => {
      throw new AgentStartError(`cannot listen on ${at.host}:${at.port}: ${err.message}`, { cause: err });
    });
    servers.push(server);
    return url;
  };
  const start = async () => {
    const metricsAt = options.metricsBindAddress;
    const probesAt = options.healthProbeBindAddress;
    const metrics = container.resolve(SyncerMetrics);
    metrics.setBuildInfo({ version: agentVersion() });
    const profiling = options.profiling === true ? { profiler: new Profiler() } : {};
    if (metricsAt !== null && probesAt !== null && sameAddress(metricsAt, probesAt)) {
      const url = await serve(metricsAt, { health, metrics, ...profiling });
      Object.assign(endpoints, { metrics: url, probes: url });
      return;
    }
    if (metricsAt !== null) endpoints.metrics = await serve(metricsAt, { metrics });
    if (probesAt !== null) endpoints.probes = await serve(probesAt, { health, ...profiling });
  };
  return {
    name: 'listeners',
    needLeaderElection: false,
    start,
    stop: () => Promise.allSettled(servers.map((s) => s.close())),
  };
}

function sameAddress(a: ListenAddress, b: ListenAddress): boolean {
  return a.host === b.host && a.port === b.port && a.port !== 0;
}
