/** One authorization rule for SelfSubjectAccessReview answers; `*` matches anything. */
export interface AccessRule {
  verbs?: string[];
  groups?: string[];
  resources?: string[];
  namespaces?: string[];
  names?: string[];
  /** Non-resource URL paths (`/healthz`, `/api/*`). */
  nonResourceURLs?: string[];
  allowed: boolean;
  reason?: string;
}

export interface AccessRules {
  rules: AccessRule[];
  /** Answer when no rule matches (default: allowed). */
  defaultAllowed?: boolean;
}

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

const matches = (list: string[] | undefined, value: string | undefined) =>
  list === undefined || list.includes('*') || list.includes(value ?? '');

/** Decides a SelfSubjectAccessReview spec against the configured rules (first match wins). */
export function reviewAccess(
  rules: AccessRules,
  spec: Record<string, unknown>,
): { allowed: boolean; reason?: string } {
  const ra = spec.resourceAttributes as ResourceAttributes | undefined;
  const nra = spec.nonResourceAttributes as { path?: string; verb?: string } | undefined;
  for (const rule of rules.rules) {
    if (ra) {
      if (rule.nonResourceURLs) continue;
      const resource = ra.subresource ? `${ra.resource}/${ra.subresource}` : ra.resource;
      if (
        matches(rule.verbs, ra.verb) &&
        matches(rule.groups, ra.group) &&
        // As in RBAC, `pods` does not cover `pods/log`; `*` covers everything.
        matches(rule.resources, resource) &&
        matches(rule.namespaces, ra.namespace) &&
        matches(rule.names, ra.name)
      ) {
        return rule.reason ? { allowed: rule.allowed, reason: rule.reason } : { allowed: rule.allowed };
      }
    } else if (nra && rule.nonResourceURLs) {
      const path = nra.path ?? '';
      const hit = rule.nonResourceURLs.some(
        (u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))),
      );
      if (hit && matches(rule.verbs, nra.verb))
        return rule.reason ? { allowed: rule.allowed, reason: rule.reason } : { allowed: rule.allowed };
    }
  }
  return { allowed: rules.defaultAllowed ?? true };
}
