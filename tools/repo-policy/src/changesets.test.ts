import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishedPackages, repoRoot } from './workspace.js';

// .changeset/README.md: a changeset names only published packages, and changes users do not get (tests, tools,
// examples, CI) come with an empty changeset (`pnpm changeset --empty`), so they never make a release.
const dir = join(repoRoot, '.changeset');
const published = new Set(publishedPackages().map((p) => p.manifest.name));
const changesets = readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md');

/** The `"name": bump` lines of a changeset's frontmatter; undefined when it has no frontmatter. */
function releases(text: string): Array<{ name: string; bump: string }> | undefined {
  const match = /^---\n([\s\S]*?)^---$/m.exec(text);
  if (match?.index !== 0) return undefined;
  return (match[1] ?? '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const m = /^\s*["']?([^"':]+)["']?\s*:\s*(\S+)\s*$/.exec(line);
      return { name: m?.[1] ?? line, bump: m?.[2] ?? '' };
    });
}

describe('changesets', () => {
  it('parses an empty changeset and a release', () => {
    expect(releases('---\n---\n\nTests only.\n')).toEqual([]);
    expect(releases('---\n"@kcp-tmc/engine": minor\n---\n\nA feature.\n')).toEqual([
      { name: '@kcp-tmc/engine', bump: 'minor' },
    ]);
    expect(releases('no frontmatter')).toBeUndefined();
  });

  it.each(changesets)('%s releases only published packages, with a semver bump', (file) => {
    const found = releases(readFileSync(join(dir, file), 'utf8'));
    expect(found, 'frontmatter').toBeDefined();
    for (const { name, bump } of found ?? []) {
      expect(published, `${name} is not a published package (packages/*)`).toContain(name);
      expect(['patch', 'minor', 'major']).toContain(bump);
    }
  });
});
