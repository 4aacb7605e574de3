import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { resolveKubectl } from './binaries.js';
import { RealApiserverUnavailableError } from './errors.js';

const run = promisify(execFile);

async function kubectlOrSkipReason(): Promise<string | { kubectl: string }> {
  try {
    return await resolveKubectl();
  } catch (error) {
    if (error instanceof RealApiserverUnavailableError) return error.message;
    throw error;
  }
}

const resolved = await kubectlOrSkipReason();

describe.skipIf(typeof resolved === 'string')('resolveKubectl', () => {
  it('finds kubectl built at the server binaries Kubernetes version', async () => {
    const { kubectl } = resolved as { kubectl: string };
    const { stdout } = await run(kubectl, ['version', '--client', '-o', 'json']);
    const version = JSON.parse(stdout) as { clientVersion: { gitVersion: string; minor: string } };
    // tools/kube-bins/go.mod pins k8s.io/kubernetes v1.35.4 for kube-apiserver; kubectl must match it.
    expect(version.clientVersion.gitVersion).toBe('v1.35.4');
    expect(version.clientVersion.minor).toBe('35');
  });
});
