/**
 * The samples behind the stage-timing report (access patterns 6 and 12). A timing-index partition holds one
 * (county, stage or whole-case kind, month)'s records, which never change once written. A scheduled job
 * (functions/jobs/store-timing-samples.ts, hourly) stores each partition's samples: a settled month's in full, the
 * open month's up to a quarter of an hour ago. A report then reads the stored samples and, for an open month, only
 * the records decided since, so no report reads a settled month's records and none reads more than the last hour
 * or so of any month.
 */

import { PROCEDURES, type Procedure } from '../../schemas/domain.ts';
import { logger } from '../commons/logger.ts';
import { pooled } from '../commons/pool.ts';
import { HUMAN_STAGES, type HumanStage } from '../core/procedure.ts';
import { localMonth, toIso } from '../core/time.ts';
import {
  isSettledMonth,
  MILESTONES_OF,
  type MilestoneKind,
  monthsBefore,
  monthsBetween,
  samplesOf,
  type TimingRow,
  type TimingSample,
} from '../core/timings.ts';
import { indexKeys } from '../store/keys.ts';
import type { MilestoneItem } from '../store/milestone.ts';
import type { TimingRecord } from '../store/task.ts';
import type { TimingSince } from '../store/timing-index.ts';
import type { Deps } from './deps.ts';

/** The longest period one timing report covers: every (stage, month) is one partition, so the range is bounded. */
export const MAX_REPORT_MONTHS = 24;
/** Partitions read at a time. */
const QUERY_CONCURRENCY = 8;
/**
 * How far behind now the open month's stored samples stop: a record's time is taken in the invocation that
 * writes it (an API call, 29 s at most; a step, 60 s) and the index follows within seconds, so every record
 * before now − SAMPLES_MARGIN_MS is in the index when the job reads it.
 */
export const SAMPLES_MARGIN_MS = 15 * 60_000;

/** The key of the single whole-case group when a report is grouped by stage. */
export const ALL = 'all';

/**
 * One timing-index partition: its key, its month, and its records as timing rows (all, one township's, or those
 * from `since` on). Its records (decided tasks, milestones reached) are never changed.
 */
export interface TimingPartition {
  indexPartition: string;
  month: string;
  rows: (township: string | undefined, since?: TimingSince) => Promise<TimingRow[]>;
}

/** A completed stage's record as a timing row (the index holds decided tasks only). */
const stageRow = (r: TimingRecord): TimingRow => ({ ...r, decidedAt: r.decidedAt! });

/**
 * A milestone as a timing row: opened at the application, decided when reached, in the single `all` stage. A
 * milestone without a due date (a risk-elimination proposal's: no whole-procedure limit) is never late.
 */
const milestoneRow = (m: MilestoneItem): TimingRow => ({
  stage: ALL,
  villageCode: m.villageCode,
  openedAt: m.startedAt,
  decidedAt: m.at,
  dueAt: m.dueAt ?? m.at,
});

/** One partition per month of `from`…`to`: its index key, and its records read as timing rows. */
function monthlyPartitions<R>(
  from: string,
  to: string,
  keyOf: (month: string) => string,
  read: (month: string, township: string | undefined, since?: TimingSince) => Promise<R[]>,
  toRow: (record: R) => TimingRow,
): TimingPartition[] {
  return monthsBetween(from, to).map((month) => ({
    indexPartition: keyOf(month),
    month,
    rows: async (township, since) => (await read(month, township, since)).map(toRow),
  }));
}

/** The stage-record partitions of a county's cases of `procedure`: one per stage × month. */
export function stagePartitions(
  deps: Deps,
  procedure: Procedure,
  county: string,
  stages: readonly HumanStage[],
  from: string,
  to: string,
): TimingPartition[] {
  return stages.flatMap((stage) =>
    monthlyPartitions(
      from,
      to,
      (month) => indexKeys.timingPartition(procedure, county, stage, month),
      (month, township, since) => deps.store.stageRecords(procedure, county, stage, month, township, since),
      stageRow,
    ),
  );
}

/** The whole-case milestone partitions of a county's cases of `procedure`, kind `kind`: one per month reached. */
export function milestonePartitions(
  deps: Deps,
  procedure: Procedure,
  county: string,
  kind: MilestoneKind,
  from: string,
  to: string,
): TimingPartition[] {
  return monthlyPartitions(
    from,
    to,
    (month) => indexKeys.wholeCasePartition(procedure, county, kind, month),
    (month, township, since) => deps.store.milestoneRecords(procedure, county, kind, month, township, since),
    milestoneRow,
  );
}

/**
 * The samples of one partition, for the county or one township: the stored ones, and for an open month the
 * records decided since they stop. A settled month the job has not stored yet (a window further back than it
 * looks, or before its first run) is read from its records once and stored; an open month with nothing stored
 * (its first hour) is read from its records.
 */
async function partitionSamples(
  deps: Deps,
  partition: TimingPartition,
  township: string | undefined,
  nowMs: number,
): Promise<TimingSample[]> {
  const stored = await deps.store.storedSamples(partition.indexPartition, township);
  if (stored?.through) {
    const since = { at: stored.through, townships: stored.townships };
    return [...stored.samples, ...samplesOf(await partition.rows(township, since))];
  }
  if (stored) return stored.samples;
  if (!isSettledMonth(partition.month, nowMs)) return samplesOf(await partition.rows(township));
  const samples = samplesOf(await partition.rows(undefined));
  try {
    await deps.store.putSamples(partition.indexPartition, samples, toIso(nowMs));
  } catch (error) {
    // The report stands without them; the job or the next report stores them.
    logger.warn('timing samples not stored', { partition: partition.indexPartition, error });
  }
  return township ? samples.filter((s) => s.township === township) : samples;
}

/** The samples of `partitions`, at most QUERY_CONCURRENCY partitions read at a time. */
export async function samplesOfPartitions(
  deps: Deps,
  partitions: readonly TimingPartition[],
  township: string | undefined,
): Promise<TimingSample[]> {
  const nowMs = deps.clock.now();
  const each = await pooled(partitions, QUERY_CONCURRENCY, (p) => partitionSamples(deps, p, township, nowMs));
  return each.flat();
}

/** What one run of the job did, by partition. */
export interface SamplesJobReport {
  counties: string[];
  /** partitions of a settled month stored in full now */
  settled: number;
  /** partitions of an open month stored up to `through` */
  open: number;
  /** partitions of a settled month already stored in full */
  kept: number;
  /** partitions whose samples did not fit their items (the reports read their records) */
  tooLarge: number;
  through: string;
}

/**
 * The scheduled job: for each county and procedure, every partition of the last MAX_REPORT_MONTHS months (so a missed run is
 * made up by the next): a settled month not yet stored in full is stored in full; an open month is stored again
 * with its records decided before now − SAMPLES_MARGIN_MS. Safe to run at any time, and twice at once. A failed
 * read or write fails the run (the function's error alarm); the next run makes it up.
 */
export async function storeTimingSamples(deps: Deps, counties: readonly string[]): Promise<SamplesJobReport> {
  const nowMs = deps.clock.now();
  const through = toIso(nowMs - SAMPLES_MARGIN_MS);
  const to = localMonth(nowMs);
  const from = monthsBefore(to, MAX_REPORT_MONTHS - 1);
  const report: SamplesJobReport = {
    counties: [...new Set(counties)],
    settled: 0,
    open: 0,
    kept: 0,
    tooLarge: 0,
    through,
  };
  const partitions = report.counties.flatMap((county) =>
    PROCEDURES.flatMap((procedure) => [
      ...stagePartitions(deps, procedure, county, HUMAN_STAGES, from, to),
      ...MILESTONES_OF[procedure].flatMap((kind) =>
        milestonePartitions(deps, procedure, county, kind, from, to),
      ),
    ]),
  );
  await pooled(partitions, QUERY_CONCURRENCY, async (p) => {
    const settled = isSettledMonth(p.month, nowMs);
    const marker = await deps.store.samplesMarker(p.indexPartition);
    if (marker && !marker.through) {
      report.kept++;
      return;
    }
    const rows = await p.rows(undefined);
    // the same comparison as the index's sort keys (township#decidedAt#id), so a report's reads from `through`
    // on find exactly the records left out here
    const sampled = settled ? rows : rows.filter((r) => r.decidedAt < through);
    const stored = await deps.store.putSamples(
      p.indexPartition,
      samplesOf(sampled),
      toIso(nowMs),
      settled ? undefined : through,
    );
    if (!stored) report.tooLarge++;
    else if (settled) report.settled++;
    else report.open++;
  });
  return report;
}
