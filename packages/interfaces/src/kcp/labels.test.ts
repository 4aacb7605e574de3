import { describe, expect, it } from 'vitest';
import {
  DELETION_ANNOTATION_PREFIX,
  deletionAnnotation,
  FINALIZERS_ANNOTATION_PREFIX,
  finalizersAnnotation,
  isNeverSyncedNamespace,
  isResourceStateValue,
  isServiceAccountTokenSecret,
  NEVER_SYNCED_NAMESPACES,
  ResourceStateValue,
  SERVICE_ACCOUNT_TOKEN_SECRET_TYPE,
  SPEC_DIFF_ANNOTATION_PREFIX,
  STATE_LABEL_PREFIX,
  STATUS_ANNOTATION_PREFIX,
  SYNCER_FINALIZER_PREFIX,
  specDiffAnnotation,
  stateLabel,
  statusAnnotation,
  syncerFinalizer,
  syncTargetKeyOfStateLabel,
} from './labels.js';

const KEY = '6ohB8yeXhwqTQVuBzJRgqcRJTpRjX7yTZu5g5g';

describe('per-SyncTarget keys', () => {
  // Expected strings as they appear in kcp's syncer tests (kcp: pkg/syncer/spec/spec_process_test.go,
  // pkg/syncer/upsync/upsync_process_test.go) and in sdk/apis/workload/v1alpha1/types.go comments.
  it.each([
    [stateLabel, `state.workload.kcp.io/${KEY}`, STATE_LABEL_PREFIX],
    [deletionAnnotation, `deletion.internal.workload.kcp.io/${KEY}`, DELETION_ANNOTATION_PREFIX],
    [finalizersAnnotation, `finalizers.workload.kcp.io/${KEY}`, FINALIZERS_ANNOTATION_PREFIX],
    [statusAnnotation, `experimental.status.workload.kcp.io/${KEY}`, STATUS_ANNOTATION_PREFIX],
    [specDiffAnnotation, `experimental.spec-diff.workload.kcp.io/${KEY}`, SPEC_DIFF_ANNOTATION_PREFIX],
    [syncerFinalizer, `workload.kcp.io/syncer-${KEY}`, SYNCER_FINALIZER_PREFIX],
  ])('%o builds %s', (build, expected, prefix) => {
    expect(build(KEY)).toBe(expected);
    expect(expected.startsWith(prefix)).toBe(true);
  });

  it('label and annotation keys built from a 38-character key stay within the 63-character name part', () => {
    for (const build of [
      stateLabel,
      deletionAnnotation,
      finalizersAnnotation,
      statusAnnotation,
      specDiffAnnotation,
    ]) {
      const namePart = build(KEY).split('/')[1] ?? '';
      expect(namePart.length).toBeLessThanOrEqual(63);
    }
  });
});

describe('syncTargetKeyOfStateLabel', () => {
  it('returns the key of a state label and undefined otherwise', () => {
    expect(syncTargetKeyOfStateLabel(stateLabel(KEY))).toBe(KEY);
    expect(syncTargetKeyOfStateLabel(STATE_LABEL_PREFIX)).toBeUndefined();
    expect(syncTargetKeyOfStateLabel(`internal.workload.kcp.io/cluster`)).toBeUndefined();
    expect(syncTargetKeyOfStateLabel(`xstate.workload.kcp.io/${KEY}`)).toBeUndefined();
  });
});

describe('ResourceStateValue', () => {
  it('has kcp values: pending is the empty string', () => {
    expect(ResourceStateValue).toEqual({ Pending: '', Sync: 'Sync', Upsync: 'Upsync' });
  });

  it.each([
    ['', true],
    ['Sync', true],
    ['Upsync', true],
    ['sync', false],
    ['Delete', false],
    [undefined, false],
    [null, false],
  ])('isResourceStateValue(%j) is %s', (value, expected) => {
    expect(isResourceStateValue(value)).toBe(expected);
  });
});

describe('never-synced objects', () => {
  it.each([
    ['kube-system', true],
    ['kube-public', true],
    ['kube-node-lease', true],
    ['default', false],
    ['kube-system-x', false],
    ['', false],
  ])('isNeverSyncedNamespace(%j) is %s', (namespace, expected) => {
    expect(isNeverSyncedNamespace(namespace)).toBe(expected);
  });

  it('the list is frozen', () => {
    expect(Object.isFrozen(NEVER_SYNCED_NAMESPACES)).toBe(true);
  });

  it('recognises service-account token secrets by type only', () => {
    expect(SERVICE_ACCOUNT_TOKEN_SECRET_TYPE).toBe('kubernetes.io/service-account-token');
    expect(isServiceAccountTokenSecret({ type: 'kubernetes.io/service-account-token' })).toBe(true);
    expect(isServiceAccountTokenSecret({ type: 'Opaque' })).toBe(false);
    expect(isServiceAccountTokenSecret({})).toBe(false);
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'default-token-abc' },
      type: 'Opaque',
    };
    expect(isServiceAccountTokenSecret(secret)).toBe(false);
  });
});
