import type { KubectlRun } from './kubectl.js';

/** How a step's outcome is reduced to what both servers must agree on. */
export type Projection = (run: KubectlRun) => string;

export interface Step {
  /** Unique name, shown in failures and in the report. */
  id: string;
  args: string[];
  stdin?: string;
  /** `kubectl edit`: the EDITOR script rewrites the file. */
  editor?: boolean;
  timeoutMs?: number;
  /** Stop a following command once its output matches (logs -f). */
  stopWhen?: RegExp;
  project?: Projection;
  /** Run against the simulator only: the real harness has no kubelet (exec, logs). The expected projection. */
  simulatorOnly?: { expect: string; why: string };
  /** Not kubectl: a GET with this Accept header (what kubectl's printers receive, compared typed). */
  raw?: { path: string; accept: string };
}
