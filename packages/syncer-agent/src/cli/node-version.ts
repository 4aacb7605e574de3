// Imported by the bin entry before anything else: it must import nothing that needs a newer Node.

/** `major.minor.patch` of a version such as `v22.19.0` or `22.19`. */
function parts(version: string): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = version
    .replace(/^v/, '')
    .split('.')
    .map((n) => Number.parseInt(n, 10) || 0);
  return [major, minor, patch];
}

function atLeast(found: string, minimum: string): boolean {
  const a = parts(found);
  const b = parts(minimum);
  for (let i = 0; i < 3; i++) {
    if ((a[i] as number) !== (b[i] as number)) return (a[i] as number) > (b[i] as number);
  }
  return true;
}

/**
 * The one-line complaint when `found` is older than `engines` (a `>=x.y[.z]` range, as package.json declares
 * it), or undefined when it is new enough. Any other range form is not checked: the agent declares `>=` only.
 */
export function nodeVersionProblem(found: string, engines: string): string | undefined {
  const minimum = /^\s*>=\s*v?(\d+(?:\.\d+){0,2})\s*$/.exec(engines)?.[1];
  if (minimum === undefined || atLeast(found, minimum)) return undefined;
  return `syncer-agent needs Node.js >=${minimum}, found ${found.startsWith('v') ? found : `v${found}`}`;
}
