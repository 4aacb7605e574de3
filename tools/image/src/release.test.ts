import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The release workflow is not run here (it needs GitHub's OIDC token, npm and ghcr.io credentials); this holds
// its shape: valid YAML, the permissions provenance and ghcr.io need, and the steps in order.
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const text = readFileSync(join(repoRoot, '.github/workflows/release.yml'), 'utf8');

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}

interface Workflow {
  on: { push: { branches: string[] } };
  permissions: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; steps: Step[] }>;
}

const workflow = parse(text, { uniqueKeys: true, strict: true }) as Workflow;
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const indexOf = (match: (step: Step) => boolean) => steps.findIndex(match);

describe('release workflow (.github/workflows/release.yml)', () => {
  it('runs on pushes to main with the permissions provenance, the version PR and ghcr.io need', () => {
    expect(workflow.on.push.branches).toEqual(['main']);
    expect(workflow.permissions).toMatchObject({
      'id-token': 'write',
      contents: 'write',
      'pull-requests': 'write',
      packages: 'write',
    });
  });

  it('pins every action to a release', () => {
    for (const step of steps.filter((s) => s.uses !== undefined)) {
      expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
    }
  });

  it('installs with the pinned pnpm, builds, then versions or publishes with provenance', () => {
    const install = indexOf((s) => s.run?.includes('source .ci/pnpm.sh') === true);
    const build = indexOf((s) => s.run?.trim() === 'pnpm build');
    const changesets = indexOf((s) => s.uses?.startsWith('changesets/action@') === true);
    expect(install).toBeGreaterThanOrEqual(0);
    expect(steps[install]?.run).toContain('pnpm install --frozen-lockfile');
    expect(build).toBeGreaterThan(install);
    expect(changesets).toBeGreaterThan(build);
    const step = steps[changesets];
    expect(step?.env?.NPM_CONFIG_PROVENANCE).toBe('true');
    // The root scripts the action runs: `changeset version` and `pnpm build && changeset publish`.
    const scripts = (
      JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(step?.with?.version).toBe('pnpm version-packages');
    expect(scripts['version-packages']).toBe('changeset version');
    expect(step?.with?.publish).toBe('pnpm release');
    expect(scripts.release).toContain('changeset publish');
  });

  it('builds the image with tools/image and pushes it daemonless under its own reference', () => {
    const changesets = indexOf((s) => s.uses?.startsWith('changesets/action@') === true);
    const image = indexOf((s) => s.run?.includes('tools/image/build.sh') === true);
    const push = indexOf((s) => s.run?.includes('skopeo copy') === true);
    expect(image).toBeGreaterThan(changesets);
    expect(push).toBeGreaterThan(image);
    expect(steps[image]?.if).toContain("steps.changesets.outputs.published == 'true'");
    expect(steps[image]?.if).toContain('@kcp-tmc/syncer-agent');
    // The tag is the image's own org.opencontainers.image.ref.name (manifests/image.ts's agentImage()).
    expect(steps[image]?.run).toContain('org.opencontainers.image.ref.name');
    expect(steps[push]?.run).toMatch(/"oci-archive:\$ARCHIVE" "docker:\/\/\$REF"/);
    expect(text).not.toMatch(/docker (build|push|load)/);
  });
});
