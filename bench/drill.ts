/**
 * `npm run drill`: the drills at full size, each printing its cases, faults injected and invariant violations,
 * then one JSON line of every figure. Exits 1 when any drill found a violation.
 *   DRILL_CASES (default 200): cases driven under every fault kind at once (FAULTS as in the README)
 *   DRILL_KILL_CASES (default 60): cases filed and decided while the runtime is killed with SIGKILL halfway
 *   DRILL_FUZZ_RUNS (default 10000): generated requests per route of the HTTP fuzz
 *   DRILL_SEED (default 1): replays a drill's fault and input sequence
 *   DRILL_ONLY (default faults,kill,fuzz): the drills to run
 */
import { faultDrill, fuzzDrill, killDrill } from '../test/drill/drills.ts';
import { sum } from './stats.ts';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const seed = num('DRILL_SEED', 1);
const started = Date.now();
const only = new Set((process.env.DRILL_ONLY ?? 'faults,kill,fuzz').split(','));
const skipped = (drill: string) => ({ drill, cases: 0, faultsInjected: {}, violations: [], skipped: true });

const faults = only.has('faults')
  ? await faultDrill({ cases: num('DRILL_CASES', 200), seed })
  : skipped('faults');
const line = (d: {
  drill: string;
  cases: number;
  faultsInjected: Record<string, number>;
  violations: unknown[];
}) =>
  console.log(
    `drill ${d.drill}: cases ${d.cases}, faults injected ${sum(Object.values(d.faultsInjected))} ${JSON.stringify(d.faultsInjected)}, invariant violations ${d.violations.length}`,
  );
line(faults);
for (const v of faults.violations.slice(0, 20)) console.log('  ', JSON.stringify(v));

const killCases = num('DRILL_KILL_CASES', 60);
const kill = only.has('kill')
  ? await killDrill({ cases: killCases, killAfter: Math.ceil(killCases / 2), seed })
  : { ...skipped('kill-9'), acknowledgedLost: 0, jvmSurvived: 0, clockBackwardsMs: 0 };
line(kill);
console.log(
  `   acknowledged filings lost by DynamoDB Local: ${kill.acknowledgedLost}; JVMs outliving kill -9: ${kill.jvmSurvived}; clock behind by ${kill.clockBackwardsMs} ms`,
);
for (const v of kill.violations.slice(0, 20)) console.log('  ', JSON.stringify(v));

const fuzz = only.has('fuzz')
  ? await fuzzDrill({ runsPerRoute: num('DRILL_FUZZ_RUNS', 10_000), seed })
  : { drill: 'http-fuzz', routes: 0, requests: 0, byStatus: {}, findings: [] };
console.log(
  `drill http-fuzz: routes ${fuzz.routes}, requests ${fuzz.requests}, statuses ${JSON.stringify(fuzz.byStatus)}, findings ${fuzz.findings.length}`,
);
for (const f of fuzz.findings.slice(0, 20)) console.log('  ', JSON.stringify(f));

const violations = faults.violations.length + kill.violations.length + fuzz.findings.length;
console.log(
  JSON.stringify({
    seed,
    seconds: Math.round((Date.now() - started) / 1000),
    violations,
    faults,
    kill,
    fuzz: { ...fuzz, findings: fuzz.findings.slice(0, 50), findingCount: fuzz.findings.length },
  }),
);
process.exit(violations ? 1 : 0);
