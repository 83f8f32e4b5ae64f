import { beforeAll, describe, expect, it } from 'vitest';
import type { DomainError } from '../../functions/core/errors.ts';
import { DAY_MS, toIso } from '../../functions/core/time.ts';
import { fileApplication } from '../../functions/services/cases.ts';
import { addMeasure, updateMeasure } from '../../functions/services/measures.ts';
import { monitoringReport } from '../../functions/services/reports.ts';
import type { Household } from '../../schemas/application.ts';
import { residentId, validHousehold } from '../support/fixtures.ts';
import { eliminateRisk, enrol } from './monitoring-seed.ts';
import { type ServiceWorld, serviceWorld, user } from './support.ts';

/**
 * A seeded schedule of households over 2025–2027: when each is filed and enrolled (or not), whether its risk is
 * eliminated and when, whether it falls back into risk, and when a measure is implemented. The report must
 * equal the counts this test computes from the schedule itself.
 */
interface Plan {
  household: Household;
  village: string;
  enrolDay?: number;
  measureDay?: number;
  eliminateDay?: number;
  /** days after the elimination the household is identified and enrolled again */
  reenterAfter?: number;
}

const START = Date.parse('2025-01-05T10:00:00+08:00');
const NOW = Date.parse('2027-03-01T10:00:00+08:00');
const dayMs = (d: number) => START + d * DAY_MS;
const yearOf = (ms: number) => toIso(ms).slice(0, 4);

/** A deterministic pseudo-random schedule (a linear congruential generator: the same each run). */
function schedule(count: number): Plan[] {
  let seed = 20261202;
  const next = (max: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return (seed >>> 12) % max; // the low bits of an LCG cycle with a short period
  };
  return Array.from({ length: count }, (_, i) => {
    const village = next(4) === 0 ? '611002101202' : '611002100201';
    const h = validHousehold(8000 + i, village);
    const extra = next(3);
    const household = {
      ...h,
      members: [
        ...h.members,
        ...Array.from({ length: extra }, (_, k) => ({
          ...h.members[0]!,
          name: `成员${k}`,
          idNumber: residentId(8000 + i, `19${90 + k}0303`),
        })),
      ],
    };
    const enrolDay = next(5) === 0 ? undefined : 5 + next(700);
    if (enrolDay === undefined) return { household, village };
    const measureDay = next(3) === 0 ? undefined : enrolDay + 1 + next(200);
    const eliminateDay = next(2) === 0 ? undefined : enrolDay + 183 + next(150);
    const reenterAfter = eliminateDay !== undefined && next(2) === 0 ? 10 + next(40) : undefined;
    return { household, village, enrolDay, measureDay, eliminateDay, reenterAfter };
  });
}

let w: ServiceWorld;
const plans = schedule(24);
/** The episodes the schedule makes: one per enrolment, with its household size. */
const episodes: { enrolMs: number; endMs?: number; measureMs?: number; persons: number; reentry: boolean }[] =
  [];

beforeAll(async () => {
  w = await serviceWorld(toIso(START));
  // Events in time order, so each step runs at its own simulated time.
  type Event = { at: number; run: () => Promise<void> };
  const events: Event[] = [];
  for (const p of plans) {
    const persons = 1 + p.household.members.length;
    let caseId = '';
    events.push({
      at: dayMs(p.enrolDay === undefined ? 3 : p.enrolDay - 3),
      run: async () => {
        caseId = (
          await fileApplication(w.deps, user(p.village === '611002100201' ? 'village' : 'village2'), {
            procedure: 'identification',
            household: p.household,
          })
        ).caseId;
      },
    });
    if (p.enrolDay === undefined) continue;
    const episode = { enrolMs: dayMs(p.enrolDay), persons, reentry: false } as (typeof episodes)[number];
    episodes.push(episode);
    events.push({ at: dayMs(p.enrolDay), run: () => enrol(w, caseId, w.clock.ms) });
    if (p.measureDay !== undefined && dayMs(p.measureDay) < NOW) {
      episode.measureMs = dayMs(p.measureDay);
      events.push({
        at: dayMs(p.measureDay),
        run: async () => {
          const m = await addMeasure(
            w.deps,
            user(p.village === '611002100201' ? 'village' : 'village2'),
            caseId,
            {
              type: 'industry',
              description: '发展庭院经济',
              responsibleCadre: { name: '王干部' },
              plannedAt: toIso(w.clock.ms).slice(0, 10),
            },
          );
          await updateMeasure(
            w.deps,
            user(p.village === '611002100201' ? 'village' : 'village2'),
            caseId,
            m.measureId,
            {
              status: 'implemented',
              implementedAt: toIso(w.clock.ms).slice(0, 10),
              expectedVersion: 1,
            },
          );
        },
      });
    }
    if (p.eliminateDay !== undefined && dayMs(p.eliminateDay) < NOW) {
      episode.endMs = dayMs(p.eliminateDay);
      events.push({ at: dayMs(p.eliminateDay), run: () => eliminateRisk(w, caseId, w.clock.ms) });
      if (p.reenterAfter !== undefined && dayMs(p.eliminateDay + p.reenterAfter) < NOW) {
        const back = { enrolMs: dayMs(p.eliminateDay + p.reenterAfter), persons, reentry: true };
        episodes.push(back);
        let again = '';
        events.push({
          at: back.enrolMs - 2 * DAY_MS,
          run: async () => {
            again = (
              await fileApplication(w.deps, user(p.village === '611002100201' ? 'village' : 'village2'), {
                procedure: 'identification',
                household: p.household,
              })
            ).caseId;
          },
        });
        events.push({ at: back.enrolMs, run: () => enrol(w, again, w.clock.ms) });
      }
    }
  }
  events.sort((a, b) => a.at - b.at);
  for (const e of events) {
    w.clock.ms = e.at;
    await e.run();
  }
  w.clock.ms = NOW;
}, 120_000);

/** The year's counts computed from the schedule, independently of the service. */
function expected(year: string) {
  const end = Math.min(Date.parse(`${Number(year) + 1}-01-01T00:00:00+08:00`), NOW + 1);
  const count = (list: typeof episodes) => ({
    households: list.length,
    persons: list.reduce((s, e) => s + e.persons, 0),
  });
  const monitored = episodes.filter((e) => e.enrolMs < end && !(e.endMs !== undefined && e.endMs < end));
  const newly = episodes.filter((e) => yearOf(e.enrolMs) === year);
  const withMeasure = monitored.filter((e) => e.measureMs !== undefined && e.measureMs < end);
  return {
    enrolled: count(monitored),
    newlyIdentified: count(newly),
    riskEliminated: count(episodes.filter((e) => e.endMs !== undefined && yearOf(e.endMs) === year)),
    returnedToRisk: count(newly.filter((e) => e.reentry)),
    withImplementedMeasure: {
      households: withMeasure.length,
      share: monitored.length ? withMeasure.length / monitored.length : 0,
    },
  };
}

describe('GET /api/reports/monitoring equals the counts of the seeded schedule', () => {
  it.each(['2025', '2026', '2027'])('year %s', async (year) => {
    const report = await monitoringReport(w.deps, user('auditor'), { year });

    expect(report).toMatchObject({ county: '611002', year, ...expected(year) });
  });

  it('the schedule exercises every count', () => {
    const y2026 = expected('2026');
    expect(y2026.enrolled.households).toBeGreaterThan(0);
    expect(y2026.riskEliminated.households + expected('2027').riskEliminated.households).toBeGreaterThan(0);
    expect(episodes.some((e) => e.reentry)).toBe(true);
    expect(y2026.withImplementedMeasure.households).toBeGreaterThan(0);
  });

  it('a township reviewer counts their township; an applicant may not read it', async () => {
    const all = await monitoringReport(w.deps, user('auditor'), { year: '2026' });
    const mine = await monitoringReport(w.deps, user('township'), { year: '2026' });
    const other = await monitoringReport(w.deps, user('township2'), { year: '2026' });

    expect(mine.enrolled.households + other.enrolled.households).toBe(all.enrolled.households);
    const refused = await monitoringReport(w.deps, user('applicant'), { year: '2026' }).catch(
      (e: unknown) => e,
    );
    expect((refused as DomainError).code).toBe('forbidden');
  });
});
