import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

// Tests run against the sources of sibling packages, so `pnpm test` needs no prior build:
// `@kcp-tmc/<pkg>` maps to `packages/<pkg>/src/index.ts`, `@kcp-tmc/<pkg>/<sub>` to `src/<sub>/index.ts`.
const alias = readdirSync(join(root, 'packages'))
  .filter((dir) => existsSync(join(root, 'packages', dir, 'src', 'index.ts')))
  .flatMap((dir) => [
    { find: new RegExp(`^@kcp-tmc/${dir}$`), replacement: join(root, 'packages', dir, 'src', 'index.ts') },
    {
      find: new RegExp(`^@kcp-tmc/${dir}/(.+)$`),
      replacement: join(root, 'packages', dir, 'src', '$1', 'index.ts'),
    },
  ]);

// Tests that measure time on the event loop (a heartbeat gap, a worker's turn budget) run after every other
// file has finished, alone: next to the real-server suites (kcp, kube-apiservers) on 2 cores they measure the
// machine, not the code.
const TIMING = [
  'packages/syncer-agent/test/heartbeat-load.test.ts',
  'packages/engine/src/turn-budget.test.ts',
];

// The chaos suite measures recovery times and heartbeat gaps (packages/syncer-agent/test/chaos/README.md): it
// runs last, alone. `pnpm test` runs its short CI form; `pnpm chaos` (KCP_TMC_CHAOS=short|full) all of it.
const CHAOS = ['packages/syncer-agent/test/chaos/**/*.test.ts'];
const chaos = process.env.KCP_TMC_CHAOS !== undefined;

const INCLUDE = [
  'packages/*/src/**/*.test.ts',
  'packages/*/test/**/*.test.ts',
  'examples/*/src/**/*.test.ts',
  'tools/*/src/**/*.test.ts',
];

export default defineConfig({
  resolve: { alias },
  test: {
    setupFiles: [join(root, 'tools', 'vitest-setup.ts')],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    clearMocks: true,
    restoreMocks: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'suites',
          include: INCLUDE,
          exclude: [...TIMING, ...CHAOS],
          sequence: { groupOrder: 0 },
        },
      },
      { extends: true, test: { name: 'timing', include: TIMING, sequence: { groupOrder: 1 } } },
      chaos
        ? { extends: true, test: { name: 'chaos', include: CHAOS, sequence: { groupOrder: 2 } } }
        : {
            extends: true,
            test: {
              name: 'chaos-ci',
              include: CHAOS,
              env: { KCP_TMC_CHAOS: 'ci' },
              sequence: { groupOrder: 2 },
            },
          },
    ],
  },
});
