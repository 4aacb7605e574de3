import { type Logger, TmcError, TmcErrorType } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { DeniedAccessLog } from './denied-access.js';

function recordingLogger() {
  const errors: Array<{ message: string; fields: Record<string, unknown> | undefined }> = [];
  const logger: Logger = {
    error: (message, fields) => errors.push({ message, fields }),
    warn: () => undefined,
    info: () => undefined,
    debug: () => undefined,
    child: () => logger,
  };
  return { logger, errors };
}

const refused = new TmcError({
  type: TmcErrorType.ClusterUnreachable,
  message: 'connect ECONNREFUSED 127.0.0.1:9',
});

describe('DeniedAccessLog failure causes (unreachable, 401)', () => {
  it('names an unreachable server once, with the request, until it answers again', () => {
    const { logger, errors } = recordingLogger();
    const log = new DeniedAccessLog('downstream', logger);
    log.reportUnreachable('http://127.0.0.1:9/', 'GET', '/api/v1/namespaces?limit=500', refused);
    log.reportUnreachable('http://127.0.0.1:9/', 'GET', '/api/v1/configmaps', refused);
    expect(errors).toEqual([
      {
        message:
          'downstream http://127.0.0.1:9/ unreachable on list namespaces: check the server address in the downstream kubeconfig and the network to it',
        fields: { server: 'http://127.0.0.1:9/', error: 'connect ECONNREFUSED 127.0.0.1:9' },
      },
    ]);
    log.reportAnswer('http://127.0.0.1:9/', 'GET', '/api', 200, () => '');
    log.reportUnreachable('http://127.0.0.1:9/', 'GET', '/version', refused);
    expect(errors.map((e) => e.message)[1]).toBe(
      'downstream http://127.0.0.1:9/ unreachable on GET /version: check the server address in the downstream kubeconfig and the network to it',
    );
  });

  it('names a 401 once per server, with the status and what to renew; any other answer (a 403 too: the credentials were accepted) re-arms it', () => {
    const { logger, errors } = recordingLogger();
    const log = new DeniedAccessLog('upstream', logger);
    const path =
      '/clusters/root:org/apis/workload.kcp.io/v1alpha1/synctargets?fieldSelector=metadata.name%3Dphys';
    log.reportAnswer('https://kcp/', 'GET', path, 401, () => 'Unauthorized');
    log.reportAnswer('https://kcp/', 'GET', path, 401, () => 'Unauthorized');
    expect(errors).toEqual([
      {
        message:
          "upstream https://kcp/ rejects the agent's credentials (HTTP 401 Unauthorized) on list synctargets.workload.kcp.io: renew the token or client certificate of the upstream kubeconfig",
        fields: { server: 'https://kcp/', status: 401, reason: 'Unauthorized' },
      },
    ]);
    log.reportAnswer('https://kcp/', 'GET', path, 403, () => 'forbidden');
    log.reportAnswer('https://kcp/', 'GET', path, 401, () => 'Unauthorized');
    expect(errors).toHaveLength(2);
  });
});
