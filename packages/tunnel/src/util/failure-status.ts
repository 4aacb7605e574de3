/** A Kubernetes `Status` failure, its fields in the order kube-apiserver writes them (`details` before `code`). */
export function failureStatus(
  code: number,
  reason: string,
  message: string,
  details?: { name?: string; kind?: string },
): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details === undefined ? {} : { details }),
    code,
  };
}
