/**
 * The local runtime's fault switch for drills: `FAULTS=step-crash-after-write:0.1,ddb-throttle:0.05,…` (kind:
 * probability), `FAULTS_SEED` for a replayable run. Off by default. The faults are injected at the runtime's
 * edges only (the Lambda invoker, a proxy in front of DynamoDB Local, the Step Functions endpoint): no handler
 * carries fault code, so nothing of this can run on AWS, and a Lambda environment refuses the switch outright.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export const FAULT_KINDS = [
  /** a workflow step's handler did its writes, then its invocation fails (Step Functions retries it) */
  'step-crash-after-write',
  /** a DynamoDB call is refused with ProvisionedThroughputExceededException before it reaches the table */
  'ddb-throttle',
  /** a callback (SendTaskSuccess/Failure) is applied, but its answer is lost: the SDK sends it again */
  'callback-duplicate',
  /** a callback arrives after its task's timeout fired: the task fails with States.Timeout, the caller TaskTimedOut */
  'callback-late',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Faults {
  /** true when this occurrence of `kind` is to fail; counts it */
  roll(kind: FaultKind): boolean;
  /** faults injected so far, by kind */
  readonly injected: Record<FaultKind, number>;
  /** the switch as given, for logs */
  readonly spec: string;
}

/** Parses the switch; null when off. Throws on an unknown kind, a bad probability, or inside a Lambda. */
export function parseFaults(spec: string | undefined, seed = 1, env = process.env): Faults | null {
  if (!spec?.trim()) return null;
  if (env.AWS_LAMBDA_FUNCTION_NAME || env.AWS_EXECUTION_ENV) {
    throw new Error('FAULTS is a local-runtime drill switch and is refused inside a Lambda environment');
  }
  const probability = new Map<FaultKind, number>();
  for (const part of spec.split(',')) {
    const [kind, p] = part.trim().split(':');
    if (!(FAULT_KINDS as readonly string[]).includes(kind ?? '')) {
      throw new Error(`FAULTS: unknown fault "${kind}" (known: ${FAULT_KINDS.join(', ')})`);
    }
    const value = Number(p);
    if (!(value >= 0 && value <= 1)) throw new Error(`FAULTS: ${kind} needs a probability 0–1, got "${p}"`);
    probability.set(kind as FaultKind, value);
  }
  // one stream per kind, so how often one kind is asked never shifts another's sequence
  const streams = new Map(FAULT_KINDS.map((k, i) => [k, xoroshiro128plus(seed * 8 + i)]));
  const injected = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  return {
    spec,
    injected,
    roll(kind) {
      const p = probability.get(kind);
      if (!p) return false;
      const hit = uniformFloat64(streams.get(kind)!) < p;
      if (hit) injected[kind]++;
      return hit;
    },
  };
}

/** The error a step's invocation fails with after its writes: what Lambda reports for a crashed runtime. */
export function crashedAfterWrite(): Error {
  const error = new Error('injected fault: the step crashed after its write');
  error.name = 'Lambda.ServiceException';
  return error;
}
