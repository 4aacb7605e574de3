/**
 * What legitimately differs between two servers running the same commands: ages and durations, IPs,
 * generated name suffixes (pod-template-hash and pod suffixes), UIDs, resourceVersions, timestamps, and
 * the column padding that follows from them. Everything else must print the same.
 */
const RULES: [RegExp, string][] = [
  [/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\b/g, '<time>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<uid>'],
  [/\b\d{1,3}(\.\d{1,3}){3}\b/g, '<ip>'],
  // The suite's Deployment `web`: web-<pod-template-hash>-<pod suffix>, then web-<pod-template-hash>.
  [/\bweb-[a-z0-9]{6,10}-[a-z0-9]{5}\b/g, 'web-<hash>-<pod>'],
  [/\bweb-[a-z0-9]{6,10}\b(?!-)/g, 'web-<hash>'],
  [/pod-template-hash=[a-z0-9]+/g, 'pod-template-hash=<hash>'],
  [/"resourceVersion":\s*"\d+"/g, '"resourceVersion": "<rv>"'],
  // Ages and durations: 5s, 3m20s, 2d4h, "<invalid>".
  [/(^|\s)(\d+[smhdy])+(?=\s|$)/gm, '$1<age>'],
  [/\(<age> ago\)/g, '(<age> ago)'],
];

export function normalizeText(text: string): string {
  // kcp stamps every object with its logical cluster; a plain kube-apiserver has no such annotation.
  let out = text
    .replace(/^(Annotations:[ \t]+)kcp\.io\/cluster: \S+\n(?![ \t]+\S+: )/gm, '$1<none>\n')
    .replace(/^(Annotations:[ \t]+)kcp\.io\/cluster: \S+\n[ \t]+/gm, '$1')
    .replace(/^[ \t]+kcp\.io\/cluster: \S+\n/gm, '');
  for (const [re, to] of RULES) out = out.replace(re, to);
  // Table columns are padded to the widest cell; cells are compared, not the padding.
  return out
    .split('\n')
    .map((line) =>
      line
        .trimEnd()
        .split(/ {2,}|\t/)
        .join(' | '),
    )
    .join('\n')
    .trim();
}

/** The first line of a table (its headers). */
export function headerLine(text: string): string {
  return normalizeText(text).split('\n')[0] ?? '';
}

/** Lines sorted, for output whose order depends on timing (events). */
export function sortedLines(text: string): string {
  return normalizeText(text).split('\n').sort().join('\n');
}

/** The left column of `kubectl describe` (field names and section headers), values dropped. */
export function describeKeys(text: string): string {
  return text
    .split('\n')
    .filter((l) => /^[A-Z][A-Za-z ]*:/.test(l))
    .map((l) => l.slice(0, l.indexOf(':') + 1))
    .join('\n');
}

/** Selected values from JSON output (`-o json`): the paths given, each printed as JSON. */
export function jsonPaths(text: string, paths: string[]): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `not JSON: ${text.slice(0, 200)}`;
  }
  return paths
    .map((p) => {
      let v: unknown = value;
      for (const k of p.split('.'))
        v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined;
      return `${p}=${JSON.stringify(v)}`;
    })
    .join('\n');
}
