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
  /**
   * Also authorize every resource request against the rules (403 Forbidden, as kube-apiserver's RBAC), not
   * only SelfSubjectAccessReviews. A list or watch is named by its `metadata.name` field selector, as the
   * apiserver's request info names it, so a rule restricted by `names` admits exactly that.
   */
  enforce?: boolean;
  /** The user named in Forbidden messages when enforcing (default `simulator-user`). */
  user?: string;
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

/** What an enforced request is about; `name` comes from the path or a list/watch's name field selector. */
export interface RequestAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string | undefined;
  namespace?: string | undefined;
  name?: string | undefined;
}

/** The name a list/watch selects with `metadata.name=<name>` (kube-apiserver's RequestInfo does the same). */
export function selectedName(fieldSelector: string | null): string | undefined {
  for (const term of (fieldSelector ?? '').split(',')) {
    const match = /^\s*metadata\.name\s*==?\s*(\S+)\s*$/.exec(term);
    if (match) return match[1];
  }
  return undefined;
}

/** The reason text of kube-apiserver's RBAC denial, or undefined when the rules allow the request. */
export function deniedReason(rules: AccessRules, attrs: RequestAttributes): string | undefined {
  const decision = reviewAccess(rules, { resourceAttributes: attrs });
  if (decision.allowed) return undefined;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const scope = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
  return `User "${rules.user ?? 'simulator-user'}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.group}" ${scope}`;
}
