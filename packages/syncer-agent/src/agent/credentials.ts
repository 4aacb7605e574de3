import type { RequestOptions } from 'node:https';
import type { LoadedKubeConfig as KubeConfig } from '@kcp-tmc/kube';
import { loadKubeConfig } from '@kcp-tmc/kube';
import type { AgentOptions } from '../config/options.js';
import { kubeconfigSource } from './upstream-access.js';

/** What the tunnels and the pod-template mutation take from the kubeconfigs (see CompositionContext). */
export interface UpstreamCredentials {
  readonly upstreamServer?: string;
  readonly upstreamToken?: string;
  readonly upstreamTls?: TlsOptions;
  readonly downstreamKubeConfig?: KubeConfig;
}

/** The upstream server and token; TLS settings and the downstream kubeconfig only with the Tunnel gate on. */
export async function upstreamCredentials(options: AgentOptions): Promise<UpstreamCredentials> {
  const upstreamConfig = loadKubeConfig(kubeconfigSource(options.fromKubeconfig, options.fromContext));
  const token = upstreamConfig.getCurrentUser()?.token;
  const server = upstreamConfig.getCurrentCluster()?.server;
  return {
    ...(token === undefined ? {} : { upstreamToken: token }),
    ...(server === undefined ? {} : { upstreamServer: server }),
    // The tunnel dials with the upstream's TLS settings and, for exec, the downstream's credentials.
    ...(options.featureGates.Tunnel
      ? {
          upstreamTls: await tlsOptionsOf(upstreamConfig),
          downstreamKubeConfig: loadKubeConfig(kubeconfigSource(options.toKubeconfig, options.toContext)),
        }
      : {}),
  };
}

/** TLS settings from a kubeconfig (CA, client certificate and key); credentials in headers are left out. */
export type TlsOptions = Pick<RequestOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized'>;

export async function tlsOptionsOf(kubeConfig: KubeConfig): Promise<TlsOptions> {
  const applied: RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(applied);
  const { ca, cert, key, rejectUnauthorized } = applied;
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(rejectUnauthorized === undefined ? {} : { rejectUnauthorized }),
  };
}
