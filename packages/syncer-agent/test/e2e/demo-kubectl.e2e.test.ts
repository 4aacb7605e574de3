import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NOOP_LOGGER } from '@kcp-tmc/interfaces';
import { RealApiserverUnavailableError, resolveKubectl } from '@kcp-tmc/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type DemoRun, runDemo } from '../../src/demo/run-demo.js';
import { DEMO_REPLICAS, DEMO_WORKSPACES } from '../../src/demo/scenario.js';

const run = promisify(execFile);

// kubectl of the server binaries' version (tools/kube-bins); only a developer machine without Go skips.
const kubectl = await resolveKubectl().then(
  (found) => found.kubectl,
  (error: unknown) => {
    if (error instanceof RealApiserverUnavailableError) return undefined;
    throw error;
  },
);

describe.skipIf(kubectl === undefined)('kubectl against the demo (`demo --keep-running`)', () => {
  let demo: DemoRun | undefined;
  afterAll(async () => {
    await demo?.stop();
  });

  it("prints READY and STATUS for the demo's Deployments and Pods", async () => {
    demo = await runDemo({ out: { write: () => true }, logger: NOOP_LOGGER, timeoutMs: 45_000 });
    const get = async (...args: string[]) => {
      const { stdout } = await run(kubectl as string, [
        `--kubeconfig=${demo?.world.downstream.kubeconfigPath}`,
        'get',
        ...args,
        '--all-namespaces',
      ]);
      const [header = '', ...rows] = stdout.trim().split('\n');
      return { header: header.split(/\s{2,}/), rows: rows.map((row) => row.split(/\s{2,}/)) };
    };
    const deployments = await get('deployments');
    expect(deployments.header).toEqual(['NAMESPACE', 'NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(deployments.rows.map((row) => row[2])).toEqual(
      DEMO_WORKSPACES.map(() => `${DEMO_REPLICAS}/${DEMO_REPLICAS}`),
    );
    const pods = await get('pods');
    expect(pods.header).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(pods.rows).toHaveLength(DEMO_REPLICAS * DEMO_WORKSPACES.length);
    for (const row of pods.rows) expect([row[2], row[3]]).toEqual(['1/1', 'Running']);
  }, 90_000);
});
