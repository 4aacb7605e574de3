/**
 * Kinds kcp v0.11 serves itself (its generic control plane scheme, from the kcp-dev/kubernetes fork, plus
 * CustomResourceDefinitions): its schema puller never imports them, and skips any other version of these
 * groups. Source: pkg/crdpuller/discovery.go and k8s.io/kubernetes/pkg/genericcontrolplane/apis/install.
 */
const RBAC = ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'];
const REVIEWS = [
  'SelfSubjectRulesReview',
  'SelfSubjectAccessReview',
  'SubjectAccessReview',
  'LocalSubjectAccessReview',
];
const WEBHOOKS = ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'];

// group -> version -> kinds
const CONTROL_PLANE: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  '': {
    v1: ['Event', 'LimitRange', 'ResourceQuota', 'Namespace', 'ServiceAccount', 'Secret', 'ConfigMap'],
  },
  'admissionregistration.k8s.io': { v1: WEBHOOKS, v1beta1: WEBHOOKS },
  'authentication.k8s.io': { v1: ['TokenReview', 'TokenRequest'], v1beta1: ['TokenReview'] },
  'authorization.k8s.io': { v1: REVIEWS, v1beta1: REVIEWS },
  'certificates.k8s.io': { v1: ['CertificateSigningRequest'], v1beta1: ['CertificateSigningRequest'] },
  'coordination.k8s.io': { v1: ['Lease'], v1beta1: ['Lease'] },
  'events.k8s.io': { v1: ['Event'], v1beta1: ['Event'] },
  'rbac.authorization.k8s.io': { v1: RBAC, v1beta1: RBAC, v1alpha1: RBAC },
};

const CRD_VERSIONS = new Set(['v1', 'v1beta1']);

/** Why kcp would not import this kind, or undefined when it would. */
export function servedByKcp(group: string, version: string, kind: string): string | undefined {
  const versions = CONTROL_PLANE[group];
  if (versions !== undefined) {
    const kinds = versions[version];
    if (kinds === undefined) return 'a version of a kcp core group that kcp does not serve';
    if (kinds.includes(kind)) return 'part of the kcp core resources';
  }
  if (group === 'apiextensions.k8s.io' && CRD_VERSIONS.has(version) && kind === 'CustomResourceDefinition') {
    return 'part of the kcp core resources';
  }
  return undefined;
}
