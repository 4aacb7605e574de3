import type { LoadedKubeConfig as KubeConfig } from '@kcp-tmc/kube';
import {
  EXEC_SUBRESOURCES,
  LOG_SUBRESOURCES,
  type PodForwarderOptions,
  TunnelUrlRefused,
  WebSocketUpgrader,
} from '@kcp-tmc/tunnel';
import type { DependencyContainer } from 'tsyringe';
import { type TunnelProtocol, tunnelProtocolOf } from '../config/tunnel-flags.js';
import type { TlsOptions } from './credentials.js';
import type { AgentModule, CompositionContext } from './modules.js';

/** What both tunnels register with: where to dial, the upstream token and TLS, and the pod policy. */
export interface TunnelDial {
  readonly url: string;
  readonly token: string;
  readonly tls?: TlsOptions;
  readonly forwarder: PodForwarderOptions;
}

export interface TunnelModuleSpec {
  readonly name: string;
  readonly protocol: TunnelProtocol;
  /** Logged when the upstream gives nothing to dial with: the tunnel stays off. */
  readonly missing: string;
  /** The URL to dial (undefined: nothing to dial); throws TunnelUrlRefused for a URL the agent will not dial. */
  url(context: CompositionContext, upstreamServer: string): string | undefined;
  /** Logs why a refused URL leaves the tunnel off; the token is never sent. */
  refused(context: CompositionContext, err: TunnelUrlRefused): void;
  register(container: DependencyContainer, dial: TunnelDial): void;
}

/**
 * A tunnel module: with the Tunnel gate on and `--tunnel=<protocol>`, dials the upstream's own host with the
 * upstream kubeconfig's token and TLS, and answers through {@link podPolicy}.
 */
export function tunnelModuleOf(spec: TunnelModuleSpec): AgentModule {
  return {
    name: spec.name,
    register(container, context) {
      const { options, upstreamToken, upstreamServer, upstreamTls, downstreamKubeConfig, logger } = context;
      if (!options.featureGates.Tunnel || tunnelProtocolOf(options) !== spec.protocol) return;
      let url: string | undefined;
      try {
        url =
          upstreamToken === undefined || upstreamServer === undefined
            ? undefined
            : spec.url(context, upstreamServer);
      } catch (err) {
        if (!(err instanceof TunnelUrlRefused)) throw err;
        spec.refused(context, err);
        return;
      }
      if (url === undefined || upstreamToken === undefined) {
        logger.warn(spec.missing);
        return;
      }
      spec.register(container, {
        url,
        token: upstreamToken,
        ...(upstreamTls === undefined ? {} : { tls: upstreamTls }),
        forwarder: podPolicy(options.tunnelExec, downstreamKubeConfig),
      });
    },
  };
}

/** Pod logs; exec, attach and port-forward too with `--tunnel-exec`, relayed with the downstream's credentials. */
export function podPolicy(
  tunnelExec: boolean | undefined,
  downstream: KubeConfig | undefined,
): PodForwarderOptions {
  if (tunnelExec !== true || downstream === undefined) return { subresources: LOG_SUBRESOURCES };
  return {
    subresources: [...LOG_SUBRESOURCES, ...EXEC_SUBRESOURCES],
    upgrader: downstreamUpgrader(downstream),
  };
}

function downstreamUpgrader(kubeConfig: KubeConfig): WebSocketUpgrader {
  const server = kubeConfig.getCurrentCluster()?.server ?? '';
  return new WebSocketUpgrader({
    server,
    options: async () => {
      const options = {};
      await kubeConfig.applyToHTTPSOptions(options);
      return options;
    },
  });
}
