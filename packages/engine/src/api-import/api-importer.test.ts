import {
  type KubeClient,
  type Logger,
  SYSTEM_CLOCK,
  type SyncTargetRef,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../test/support/wait.js';
import { ApiImporter } from './api-importer.js';

const REF: SyncTargetRef = { cluster: 'root:org', name: 'east', uid: 'uid-1', key: 'k3y' };

function recordingLogger() {
  const errors: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  const debugs: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  const logger: Logger = {
    error: (message, fields) => errors.push({ message, ...(fields === undefined ? {} : { fields }) }),
    warn: () => {},
    info: () => {},
    debug: (message, fields) => debugs.push({ message, ...(fields === undefined ? {} : { fields }) }),
    child: () => logger,
  };
  return { logger, errors, debugs };
}

describe('ApiImporter', () => {
  let importer: ApiImporter | undefined;
  afterEach(async () => {
    await importer?.stop();
  });

  it('says what to grant when the upstream forbids it, and keeps retrying', async () => {
    let gets = 0;
    const upstream = {
      get: async () => {
        gets++;
        throw new TmcError({ type: TmcErrorType.Forbidden, message: 'synctargets "east" is forbidden' });
      },
      list: async () => ({ items: [] }),
    } as unknown as KubeClient;
    const { logger, errors } = recordingLogger();
    importer = new ApiImporter(
      upstream,
      {} as KubeClient,
      REF,
      { cluster: 'root:org' },
      { clock: SYSTEM_CLOCK, logger },
    );
    importer.start();
    await eventually(() => errors.length > 0);
    expect(errors[0]?.message).toMatch(/apiresourceimports\.apiresource\.kcp\.io/);
    expect(errors[0]?.fields).toMatchObject({ workspace: 'root:org' });
    // The backoff starts at 1 s, far below the 1 min poll interval.
    await eventually(() => gets >= 2, 5_000);
  });

  it('imports nothing for a SyncTarget that is not the configured one', async () => {
    const upstream = {
      get: async () => ({ metadata: { name: 'east', uid: 'someone-else' }, status: {} }),
    } as unknown as KubeClient;
    importer = new ApiImporter(upstream, {} as KubeClient, REF, { resources: ['deployments.apps'] });
    await expect(importer.importOnce()).rejects.toThrow(/expected uid-1/);
  });

  it("names the resources it imports in kcp's spelling, the core group without a dot", async () => {
    const upstream = {
      get: async () => ({
        metadata: { name: 'east', uid: 'uid-1' },
        status: {
          syncedResources: [
            { resource: 'services', group: '' },
            { resource: 'deployments', group: 'apps' },
          ],
        },
      }),
    } as unknown as KubeClient;
    const downstream = {
      discover: async () => {
        throw new Error('no downstream here');
      },
    } as unknown as KubeClient;
    const { logger, debugs } = recordingLogger();
    importer = new ApiImporter(
      upstream,
      downstream,
      REF,
      { resources: ['services'] },
      { clock: SYSTEM_CLOCK, logger },
    );
    await expect(importer.importOnce()).rejects.toThrow();
    expect(debugs.find((d) => d.message === 'importing APIs')?.fields).toEqual({
      resources: ['deployments.apps', 'services'],
    });
  });
});
