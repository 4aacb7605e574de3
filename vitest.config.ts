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

export default defineConfig({
  resolve: { alias },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'examples/*/src/**/*.test.ts',
      'tools/*/src/**/*.test.ts',
    ],
    setupFiles: [join(root, 'tools', 'vitest-setup.ts')],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    clearMocks: true,
    restoreMocks: true,
  },
});
