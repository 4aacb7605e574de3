import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubectlRun } from '../../../test/kubectl/kubectl.js';
import { outcome, STEPS } from '../../../test/kubectl/steps.js';
import { startRealWorld, startSimulatorWorld, type World } from '../../../test/kubectl/worlds.js';
import { resolveKubeBinaries, resolveKubectl } from '../../real/binaries.js';
import { RealApiserverUnavailableError } from '../../real/errors.js';

// kubectl drives the same everyday session against the real kube-apiserver and the simulator (plain and
// through a kcp workspace URL); each command's exit code and normalized output must agree.
// kubectl of the server binaries' version, built from Go modules as they are (tools/kube-bins).
const unavailable = (error: unknown) => {
  if (error instanceof RealApiserverUnavailableError) return `${error.reason}: ${error.message}`;
  throw error;
};
const kubectl = await resolveKubectl().then(
  (found) => found.kubectl,
  () => undefined,
);
const kubectlMissing =
  kubectl === undefined ? await resolveKubectl().then(() => undefined, unavailable) : undefined;
const realUnavailable = await resolveKubeBinaries().then(() => undefined, unavailable);
const missing = kubectlMissing ?? realUnavailable;

if (missing !== undefined && process.env.CI === 'true') {
  describe('kubectl conformance', () => {
    it('has kubectl and a real kube-apiserver (CI=true never skips)', () => {
      throw new Error(`the kubectl conformance suite cannot run: ${missing}`);
    });
  });
} else if (missing !== undefined) {
  describe('kubectl conformance', () => {
    it.skip(`unavailable (${missing})`, () => {});
  });
} else {
  describe('kubectl conformance: real kube-apiserver vs simulator', () => {
    const results = new Map<string, Map<string, KubectlRun | undefined>>();
    const worlds: World[] = [];

    beforeAll(async () => {
      // One world at a time: the machine is small and real-server steps wait on controllers.
      for (const start of [
        () => startRealWorld(kubectl!),
        () => startSimulatorWorld(kubectl!, false),
        () => startSimulatorWorld(kubectl!, true),
      ]) {
        const w = await start();
        worlds.push(w);
        const runs = new Map<string, KubectlRun | undefined>();
        results.set(w.name, runs);
        for (const step of STEPS) runs.set(step.id, await w.run(step));
        await w.stop();
      }
      // For investigating a difference: KUBECTL_SUITE_DUMP=<file> writes every world's raw outcomes.
      const dump = process.env.KUBECTL_SUITE_DUMP;
      if (dump) {
        const plain = Object.fromEntries([...results].map(([w, runs]) => [w, Object.fromEntries(runs)]));
        await writeFile(dump, JSON.stringify(plain, null, 2));
      }
    }, 600_000);
    afterAll(async () => {
      await Promise.allSettled(worlds.map((w) => w.stop()));
    });

    it('names every step once', () => {
      expect(new Set(STEPS.map((s) => s.id)).size).toBe(STEPS.length);
    });

    for (const step of STEPS) {
      it(step.id, () => {
        const project = step.project ?? outcome;
        const real = results.get('real kube-apiserver')?.get(step.id);
        const expected = step.simulatorOnly ? step.simulatorOnly.expect : project(real!);
        if (!step.simulatorOnly) expect(real, 'the real server ran the step').toBeDefined();
        for (const [name, runs] of results) {
          if (name === 'real kube-apiserver') continue;
          const run = runs.get(step.id);
          expect(run, `${name} ran ${step.id}`).toBeDefined();
          expect(project(run as KubectlRun), `${name}: kubectl ${step.args.join(' ')}`).toBe(expected);
        }
      });
    }
  });
}
