import { beforeEach, describe, expect, it } from 'vitest';
import { HUMAN_STAGES } from '../../functions/core/procedure.ts';
import { toIso } from '../../functions/core/time.ts';
import { summarize, type TimingRow } from '../../functions/core/timings.ts';
import { stageTimings, stageTimingsQuerySchema } from '../../functions/services/reports.ts';
import { SAMPLES_MARGIN_MS, storeTimingSamples } from '../../functions/services/timing-samples.ts';
import { indexKeys } from '../../functions/store/keys.ts';
import { taskItem } from '../../functions/store/task.ts';
import type { TimingSince } from '../../functions/store/timing-index.ts';
import { type ServiceWorld, serviceWorld, user } from './support.ts';

const H = 3_600_000;
const NOW = Date.parse('2026-11-20T10:00:00.000+08:00');
const QUERY = stageTimingsQuerySchema.parse({ from: '2026-10', to: '2026-11', groupBy: 'township' });

let w: ServiceWorld;
/** every record the test wrote, as the timing maths reads it */
let rows: TimingRow[];
/** the village-review record reads made: month, township, and from when */
let reads: { month: string; township?: string; since?: TimingSince }[];

beforeEach(async () => {
  w = await serviceWorld(toIso(NOW));
  rows = [];
  reads = [];
  const stageRecords = w.store.stageRecords;
  w.store.stageRecords = (procedure, county, stage, month, township, since) => {
    if (stage === 'village_review' && procedure === 'identification') reads.push({ month, township, since });
    return stageRecords(procedure, county, stage, month, township, since);
  };
});

/** A village-review task of `village`, opened `hours` before `decidedMs` and decided then. */
async function decided(village: string, decidedMs: number, hours = 30): Promise<void> {
  const n = rows.length;
  const openedAt = toIso(decidedMs - hours * H);
  const decidedAt = toIso(decidedMs);
  const dueAt = toIso(decidedMs - 24 * H + (n % 2) * 48 * H);
  const claimedAt = toIso(decidedMs - (hours / 3) * H);
  await w.store.putItems([
    taskItem({
      taskId: `task_${String(n).padStart(4, '0')}`,
      caseId: `case_${n}`,
      procedure: 'identification',
      stage: 'village_review',
      role: 'village_reviewer',
      jurisdiction: village,
      villageCode: village,
      status: 'done',
      openedAt,
      dueAt,
      escalateAt: dueAt,
      escalations: 0,
      overdue: false,
      claimedAt,
      decidedAt,
      decision: 'approve',
    }),
  ]);
  rows.push({ stage: 'village_review', villageCode: village, openedAt, claimedAt, decidedAt, dueAt });
}

const report = (township?: string) =>
  stageTimings(w.deps, user(township ? 'township' : 'auditor'), QUERY).then((r) => r.groups);
const expected = (township?: string) =>
  summarize(
    rows.filter((r) => !township || r.villageCode.startsWith(township)),
    'township',
    HUMAN_STAGES,
  ).map((g) => ({ ...g, procedure: 'identification' }));

describe('the timing-samples job and the report', () => {
  it('stores a settled month in full and the open month up to a quarter hour ago', async () => {
    await decided('611002100201', Date.parse('2026-10-10T09:00:00+08:00'));
    await decided('611002101202', Date.parse('2026-10-31T23:59:59+08:00'));
    await decided('611002100201', NOW - 2 * H);
    await decided('611002100201', NOW - SAMPLES_MARGIN_MS + 1);

    const run = await storeTimingSamples(w.deps, ['611002']);

    const partition = (month: string) =>
      indexKeys.timingPartition('identification', '611002', 'village_review', month);
    const october = await w.store.storedSamples(partition('2026-10'));
    const november = await w.store.storedSamples(partition('2026-11'));
    expect(run).toMatchObject({ counties: ['611002'], through: toIso(NOW - SAMPLES_MARGIN_MS), tooLarge: 0 });
    // 2 procedures × 24 months × (5 stages + 2 whole-case kinds): the current one open, the rest settled
    expect([run.settled, run.open, run.kept]).toEqual([2 * 23 * 7, 2 * 7, 0]);
    expect(october?.through).toBeUndefined();
    expect(october?.samples.map((s) => [s.township, s.queueMs.length])).toEqual([
      ['611002100', 1],
      ['611002101', 1],
    ]);
    expect(november?.through).toBe(toIso(NOW - SAMPLES_MARGIN_MS));
    expect(november?.samples.map((s) => [s.township, s.queueMs.length])).toEqual([['611002100', 1]]);
  });

  it('answers exactly as from every record, reading no settled month’s records and the open month’s since the job', async () => {
    await decided('611002100201', Date.parse('2026-10-03T09:00:00+08:00'), 80);
    await decided('611002101202', Date.parse('2026-10-20T15:00:00+08:00'), 5);
    await decided('611002100201', NOW - 50 * H, 12);
    await decided('611002104201', NOW - 20 * H, 100);
    await storeTimingSamples(w.deps, ['611002']);
    // decided after the job ran, and within its margin: in a sampled township, before, between and after them
    await decided('611002100201', NOW - 5 * 60_000, 2);
    await decided('611002101202', NOW - 60_000, 7);
    await decided('611002102203', NOW - 30_000, 9);
    await decided('611002109201', NOW - 10_000, 4);
    w.clock.ms = NOW + 30 * 60_000;
    await decided('611002100201', w.clock.ms - 1, 1);
    reads = [];

    const county = await report();
    const township = await report('611002100');

    expect(county).toEqual(expected());
    expect(township).toEqual(expected('611002100'));
    expect(reads.filter((r) => r.month === '2026-10')).toEqual([]);
    const through = toIso(NOW - SAMPLES_MARGIN_MS);
    expect(reads.map((r) => [r.month, r.township, r.since?.at])).toEqual([
      ['2026-11', undefined, through],
      ['2026-11', '611002100', through],
    ]);
  });

  it('keeps a settled month once stored in full and stores the open month again, each run', async () => {
    await decided('611002100201', Date.parse('2026-10-10T09:00:00+08:00'));
    await storeTimingSamples(w.deps, ['611002']);
    await decided('611002100201', NOW + 10 * H);
    w.clock.ms = NOW + 12 * H;

    const again = await storeTimingSamples(w.deps, ['611002']);

    expect([again.settled, again.open, again.kept]).toEqual([0, 2 * 7, 2 * 23 * 7]);
    const november = await w.store.storedSamples(
      indexKeys.timingPartition('identification', '611002', 'village_review', '2026-11'),
    );
    expect(november?.through).toBe(toIso(NOW + 12 * H - SAMPLES_MARGIN_MS));
    expect(november?.samples.flatMap((s) => s.queueMs)).toHaveLength(1);
    expect(await report()).toEqual(expected());
  });

  it('reads an open month the job never sampled, and a settled one it never stored, from their records', async () => {
    await decided('611002100201', Date.parse('2026-10-10T09:00:00+08:00'));
    await decided('611002101202', NOW - H);

    const groups = await report();

    expect(groups).toEqual(expected());
    // the months are read concurrently: in either order
    expect(reads.map((r) => [r.month, r.since]).sort()).toEqual([
      ['2026-10', undefined],
      ['2026-11', undefined],
    ]);
    // the report stored the settled month's samples for the next one
    const stored = await w.store.storedSamples(
      indexKeys.timingPartition('identification', '611002', 'village_review', '2026-10'),
    );
    expect(stored?.samples.map((s) => s.month)).toEqual(['2026-10']);
  });
});
