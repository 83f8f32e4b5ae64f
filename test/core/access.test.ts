import { describe, expect, it } from 'vitest';
import {
  assertCanActForApplicant,
  assertCanActOnTask,
  assertCanClaim,
  assertCanDecideOrReassign,
  assertCanFile,
  assertCanReadTask,
  assertCanSeeCase,
  assertEligibleAssignee,
  canActOnTask,
  canSeeCase,
  escalationScope,
  escalationTarget,
  REVIEWER_ROLES,
  type TaskState,
  taskJurisdiction,
} from '../../functions/core/access.ts';
import { DomainError } from '../../functions/core/errors.ts';
import { HUMAN_STAGES, type HumanStage, STAGE_SPECS } from '../../functions/core/procedure.ts';
import type { Role } from '../../schemas/common.ts';
import type { Source } from '../../schemas/domain.ts';
import type { User } from '../../schemas/records.ts';

// The demo geography (docs/operations.md, demo users): county 611002, township 611002100 with village …201,
// a second township.
const OWN_VILLAGE = '611002100201';
const SAME_TOWNSHIP = '611002100202';
const OTHER_TOWNSHIP = '611002101202';
const OTHER_COUNTY = '611003100201';
const PLACES = { OWN_VILLAGE, SAME_TOWNSHIP, OTHER_TOWNSHIP, OTHER_COUNTY } as const;
type Place = keyof typeof PLACES;

const user = (role: Role, jurisdiction: string, sub = `${role}-1`): User => ({
  sub,
  username: sub,
  name: sub,
  role,
  jurisdiction,
});

// Each role as the demo seeds it, based at OWN_VILLAGE's village / township / county.
const USERS: Record<Role, User> = {
  applicant: user('applicant', OWN_VILLAGE),
  village_reviewer: user('village_reviewer', OWN_VILLAGE),
  township_reviewer: user('township_reviewer', '611002100'),
  county_reviewer: user('county_reviewer', '611002'),
  auditor: user('auditor', '611002'),
  admin: user('admin', '611002'),
};

/** What `fn` does: 'ok', or the DomainError code it throws. */
function outcome(fn: () => void): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

describe('canSeeCase: role × where the case is', () => {
  // Cases filed by someone else; the applicant's own cases are checked separately.
  const expected: Record<Exclude<Role, 'applicant'>, Record<Place, boolean>> = {
    village_reviewer: { OWN_VILLAGE: true, SAME_TOWNSHIP: false, OTHER_TOWNSHIP: false, OTHER_COUNTY: false },
    township_reviewer: { OWN_VILLAGE: true, SAME_TOWNSHIP: true, OTHER_TOWNSHIP: false, OTHER_COUNTY: false },
    county_reviewer: { OWN_VILLAGE: true, SAME_TOWNSHIP: true, OTHER_TOWNSHIP: true, OTHER_COUNTY: false },
    auditor: { OWN_VILLAGE: true, SAME_TOWNSHIP: true, OTHER_TOWNSHIP: true, OTHER_COUNTY: false },
    admin: { OWN_VILLAGE: true, SAME_TOWNSHIP: true, OTHER_TOWNSHIP: true, OTHER_COUNTY: false },
  };
  const rows = Object.entries(expected).flatMap(([role, byPlace]) =>
    Object.entries(byPlace).map(([place, visible]) => [role as Role, place as Place, visible] as const),
  );

  it.each(rows)('%s, case in %s → %s', (role, place, visible) => {
    const scope = { villageCode: PLACES[place], applicantSub: 'someone-else' };
    expect(canSeeCase(USERS[role], scope)).toBe(visible);
    expect(outcome(() => assertCanSeeCase(USERS[role], scope))).toBe(visible ? 'ok' : 'not_found');
  });

  it.each(Object.keys(PLACES) as Place[])('an applicant sees their own case wherever it is (%s)', (place) => {
    expect(
      canSeeCase(USERS.applicant, { villageCode: PLACES[place], applicantSub: USERS.applicant.sub }),
    ).toBe(true);
  });

  it('an applicant never sees another applicant’s case, even in their own village', () => {
    const neighbour = { villageCode: OWN_VILLAGE, applicantSub: 'applicant-2' };
    expect(canSeeCase(USERS.applicant, neighbour)).toBe(false);
    expect(outcome(() => assertCanSeeCase(USERS.applicant, neighbour))).toBe('not_found');
  });

  it('a reviewer sees a case they filed only through their jurisdiction', () => {
    const filedElsewhere = { villageCode: OTHER_TOWNSHIP, applicantSub: USERS.village_reviewer.sub };
    expect(canSeeCase(USERS.village_reviewer, filedElsewhere)).toBe(false);
  });
});

describe('assertCanFile', () => {
  const filing = (villageCode: string, source: Source = 'self_declared') => ({ villageCode, source });

  it.each(['applicant', 'village_reviewer'] as const)('%s files for their own village', (role) => {
    expect(outcome(() => assertCanFile(USERS[role], filing(OWN_VILLAGE)))).toBe('ok');
  });

  it.each(['cadre_screening', 'department_alert'] as const)(
    'only the village cadre files a case found by %s: a household is refused, naming household.source',
    (source) => {
      let error: unknown;
      try {
        assertCanFile(USERS.applicant, filing(OWN_VILLAGE, source));
      } catch (e) {
        error = e;
      }

      expect(outcome(() => assertCanFile(USERS.village_reviewer, filing(OWN_VILLAGE, source)))).toBe('ok');
      expect((error as DomainError).code).toBe('forbidden');
      expect((error as DomainError).details).toEqual([
        { path: 'household.source', rule: 'self_declared', message: expect.any(String) },
      ]);
    },
  );

  it.each(
    (['applicant', 'village_reviewer'] as const).flatMap((role) =>
      (['SAME_TOWNSHIP', 'OTHER_TOWNSHIP', 'OTHER_COUNTY'] as const).map((place) => [role, place] as const),
    ),
  )('%s may not file for a village in %s: 403 naming household.villageCode', (role, place) => {
    let error: unknown;
    try {
      assertCanFile(USERS[role], filing(PLACES[place]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('forbidden');
    expect((error as DomainError).details).toEqual([
      {
        path: 'household.villageCode',
        rule: 'within_jurisdiction',
        message: `must lie inside ${OWN_VILLAGE}`,
      },
    ]);
  });

  it.each(['township_reviewer', 'county_reviewer', 'auditor', 'admin'] as const)(
    '%s may not file at all, even inside their jurisdiction',
    (role) => {
      expect(outcome(() => assertCanFile(USERS[role], filing(OWN_VILLAGE)))).toBe('forbidden');
    },
  );
});

describe('assertCanActForApplicant (supplement, withdraw)', () => {
  const own = { villageCode: OWN_VILLAGE, applicantSub: USERS.applicant.sub };
  it.each([
    ['applicant', own, 'ok'],
    ['applicant', { ...own, applicantSub: 'applicant-2' }, 'not_found'],
    ['village_reviewer', own, 'ok'],
    ['village_reviewer', { ...own, villageCode: SAME_TOWNSHIP }, 'not_found'],
    ['township_reviewer', own, 'forbidden'],
    ['county_reviewer', own, 'forbidden'],
    ['auditor', own, 'forbidden'],
    ['admin', own, 'forbidden'],
    ['township_reviewer', { ...own, villageCode: OTHER_TOWNSHIP }, 'not_found'],
  ] as const)('%s on %j → %s', (role, scope, expected) => {
    expect(outcome(() => assertCanActForApplicant(USERS[role], scope))).toBe(expected);
  });
});

describe('taskJurisdiction', () => {
  it.each([
    ['village_review', OWN_VILLAGE],
    ['township_verification', '611002100'],
    ['county_approval', '611002'],
    ['objection_review', '611002100'],
  ] as const)('%s of a case in %s', (stage, expected) => {
    expect(taskJurisdiction(stage, OWN_VILLAGE)).toBe(expected);
  });
});

describe('assertCanActOnTask: role × where the task is', () => {
  const task = (stage: HumanStage, place: Place) => ({
    role: STAGE_SPECS[stage].role,
    jurisdiction: taskJurisdiction(stage, PLACES[place]),
  });

  // [stage, task's place, acting user, expected]: the right role inside its jurisdiction acts, and so does the
  // next level up (township over village tasks, county over township tasks); another role whose jurisdiction
  // covers the task gets 403; anyone whose jurisdiction does not cover it gets 404.
  const table: [HumanStage, Place, User, 'ok' | 'forbidden' | 'not_found'][] = [
    ['village_review', 'OWN_VILLAGE', USERS.village_reviewer, 'ok'],
    ['village_review', 'SAME_TOWNSHIP', USERS.village_reviewer, 'not_found'],
    ['village_review', 'OTHER_TOWNSHIP', USERS.village_reviewer, 'not_found'],
    ['village_review', 'OTHER_COUNTY', USERS.village_reviewer, 'not_found'],
    ['village_review', 'OWN_VILLAGE', USERS.applicant, 'forbidden'],
    ['village_review', 'OWN_VILLAGE', USERS.township_reviewer, 'ok'],
    ['village_review', 'OWN_VILLAGE', USERS.county_reviewer, 'forbidden'],
    ['village_review', 'OWN_VILLAGE', USERS.auditor, 'forbidden'],
    ['village_review', 'OWN_VILLAGE', USERS.admin, 'forbidden'],
    ['village_review', 'OTHER_TOWNSHIP', USERS.township_reviewer, 'not_found'],
    ['village_review', 'OTHER_COUNTY', USERS.county_reviewer, 'not_found'],
    ['township_verification', 'OWN_VILLAGE', USERS.township_reviewer, 'ok'],
    ['township_verification', 'SAME_TOWNSHIP', USERS.township_reviewer, 'ok'],
    ['township_verification', 'OTHER_TOWNSHIP', USERS.township_reviewer, 'not_found'],
    ['township_verification', 'OTHER_COUNTY', USERS.township_reviewer, 'not_found'],
    ['township_verification', 'OTHER_TOWNSHIP', user('township_reviewer', '611002101'), 'ok'],
    ['township_verification', 'OWN_VILLAGE', USERS.county_reviewer, 'ok'],
    ['township_verification', 'OWN_VILLAGE', USERS.auditor, 'forbidden'],
    // A village's reviewer does not cover the township's task on their own village's case: it looks absent.
    ['township_verification', 'OWN_VILLAGE', USERS.village_reviewer, 'not_found'],
    ['county_approval', 'OWN_VILLAGE', USERS.county_reviewer, 'ok'],
    ['county_approval', 'OTHER_TOWNSHIP', USERS.county_reviewer, 'ok'],
    ['county_approval', 'OTHER_COUNTY', USERS.county_reviewer, 'not_found'],
    ['county_approval', 'OTHER_COUNTY', user('county_reviewer', '611003'), 'ok'],
    ['county_approval', 'OWN_VILLAGE', USERS.auditor, 'forbidden'],
    ['county_approval', 'OWN_VILLAGE', USERS.admin, 'forbidden'],
    ['county_approval', 'OWN_VILLAGE', USERS.township_reviewer, 'not_found'],
    ['objection_review', 'SAME_TOWNSHIP', USERS.township_reviewer, 'ok'],
    ['objection_review', 'OTHER_TOWNSHIP', USERS.township_reviewer, 'not_found'],
    ['objection_review', 'OWN_VILLAGE', USERS.county_reviewer, 'ok'],
    ['objection_review', 'OWN_VILLAGE', USERS.village_reviewer, 'not_found'],
  ];

  const rows = table.map(
    ([stage, place, actor, expected]) =>
      [stage, place, `${actor.role}@${actor.jurisdiction}`, expected, actor] as const,
  );

  it.each(rows)('%s task in %s, acted on by %s → %s', (stage, place, _who, expected, actor) => {
    const t = task(stage, place);
    expect(outcome(() => assertCanActOnTask(actor, t))).toBe(expected);
    expect(canActOnTask(actor, t)).toBe(expected === 'ok');
  });

  it('every stage’s reviewer acts on the tasks of their role and of the level below, and on nothing else', () => {
    for (const stage of HUMAN_STAGES) {
      const reviewer = Object.values(USERS).find((u) => u.role === STAGE_SPECS[stage].role)!;
      for (const other of HUMAN_STAGES) {
        const sameRole = STAGE_SPECS[other].role === reviewer.role;
        const below = escalationTarget(task(other, 'OWN_VILLAGE')).role === reviewer.role;
        expect(canActOnTask(reviewer, task(other, 'OWN_VILLAGE'))).toBe(sameRole || below);
      }
    }
  });
});

describe('assertCanReadTask: a task is read by whoever reads its case (contract v1 "in scope")', () => {
  const task = (stage: HumanStage, place: Place) => ({
    role: STAGE_SPECS[stage].role,
    jurisdiction: taskJurisdiction(stage, PLACES[place]),
    villageCode: PLACES[place],
  });

  it('every reader of the case reads each of its tasks, whatever stage or role it is for', () => {
    for (const stage of HUMAN_STAGES) {
      for (const place of Object.keys(PLACES) as Place[]) {
        for (const actor of Object.values(USERS)) {
          if (actor.role === 'applicant') continue;
          const t = task(stage, place);
          const reads = canSeeCase(actor, { villageCode: t.villageCode, applicantSub: 'someone' });
          expect(
            outcome(() => assertCanReadTask(actor, t)),
            `${actor.role} on ${stage}@${place}`,
          ).toBe(reads ? 'ok' : 'not_found');
        }
      }
    }
  });

  it.each([
    ['village_review', 'OWN_VILLAGE', 'forbidden'],
    ['township_verification', 'OWN_VILLAGE', 'not_found'],
    ['village_review', 'SAME_TOWNSHIP', 'not_found'],
  ] as const)('an applicant reads no task (%s in %s → %s), as for acting', (stage, place, expected) => {
    expect(outcome(() => assertCanReadTask(USERS.applicant, task(stage, place)))).toBe(expected);
  });
});

describe('escalationTarget: who hears of an overdue task', () => {
  it.each([
    ['village_review', 'township_reviewer', '611002100'],
    ['township_verification', 'county_reviewer', '611002'],
    ['objection_review', 'county_reviewer', '611002'],
    ['county_approval', 'admin', '611002'],
  ] as const)('a %s task of a case in %s goes to %s of %s', (stage, role, jurisdiction) => {
    const t = { role: STAGE_SPECS[stage].role, jurisdiction: taskJurisdiction(stage, OWN_VILLAGE) };

    expect(escalationTarget(t)).toEqual({ role, jurisdiction });
  });
});

describe('the next level up steps in on the tasks below it', () => {
  const villageTask = { role: 'village_reviewer', jurisdiction: OWN_VILLAGE } as const;
  const townshipTask = { role: 'township_reviewer', jurisdiction: '611002100' } as const;
  const countyTask = { role: 'county_reviewer', jurisdiction: '611002' } as const;

  it.each([
    ['township over its village', USERS.township_reviewer, villageTask, { onBehalfOf: 'village_reviewer' }],
    ['county over its township', USERS.county_reviewer, townshipTask, { onBehalfOf: 'township_reviewer' }],
    ['the task’s own role', USERS.township_reviewer, townshipTask, {}],
  ] as const)('%s acts, and says for whom', (_what, actor, t, expected) => {
    expect(assertCanActOnTask(actor, t)).toEqual(expected);
    expect(canActOnTask(actor, t)).toBe(true);
  });

  it.each([
    ['another township over a village', user('township_reviewer', '611002101'), villageTask, 'not_found'],
    ['another county over a township', user('county_reviewer', '611003'), townshipTask, 'not_found'],
    ['the county two levels over a village', USERS.county_reviewer, villageTask, 'forbidden'],
    ['the admin, who is told of overdue county tasks', USERS.admin, countyTask, 'forbidden'],
    ['a village reviewer under a township task', USERS.village_reviewer, townshipTask, 'not_found'],
  ] as const)('%s does not: %s', (_what, actor, t, expected) => {
    expect(outcome(() => assertCanActOnTask(actor, t))).toBe(expected);
    expect(canActOnTask(actor, t)).toBe(false);
  });

  it('whoever may act on a task has its role or is its escalation target', () => {
    const everyone = [...Object.values(USERS), user('township_reviewer', '611002101')];
    for (const stage of HUMAN_STAGES) {
      for (const place of Object.keys(PLACES) as Place[]) {
        const t = { role: STAGE_SPECS[stage].role, jurisdiction: taskJurisdiction(stage, PLACES[place]) };
        for (const actor of everyone) {
          if (!canActOnTask(actor, t)) continue;
          const { onBehalfOf } = assertCanActOnTask(actor, t);
          if (onBehalfOf) {
            expect(escalationTarget(t).role).toBe(actor.role);
            expect(onBehalfOf).toBe(t.role);
          } else {
            expect(actor.role).toBe(t.role);
          }
        }
      }
    }
  });
});

describe('assertCanDecideOrReassign: the claimant rule', () => {
  const open: TaskState = { role: 'village_reviewer', jurisdiction: OWN_VILLAGE, status: 'open' };
  const claimedBy = (sub: string): TaskState => ({
    ...open,
    status: 'claimed',
    assignee: sub,
    assigneeName: sub,
  });
  const colleague = user('village_reviewer', OWN_VILLAGE, 'village_reviewer-2');

  it.each([
    ['an open task, by anyone of its role', colleague, open, {}],
    ['a claimed task, by its claimant', USERS.village_reviewer, claimedBy(USERS.village_reviewer.sub), {}],
    [
      'a claimed task, by the next level up',
      USERS.township_reviewer,
      claimedBy(USERS.village_reviewer.sub),
      { onBehalfOf: 'village_reviewer' },
    ],
  ] as const)('%s', (_what, actor, t, expected) => {
    expect(assertCanDecideOrReassign(actor, t)).toEqual(expected);
  });

  it.each([
    [
      'a task claimed by a colleague',
      colleague,
      claimedBy(USERS.village_reviewer.sub),
      'task.assignee',
      'claimant',
    ],
    [
      'a decided task, even for the claimant',
      USERS.village_reviewer,
      { ...open, status: 'done' },
      'task.status',
      'not_done',
    ],
    [
      'a decided task, even for the next level up',
      USERS.township_reviewer,
      { ...open, status: 'done' },
      'task.status',
      'not_done',
    ],
  ] as const)('409 on %s, naming %s', (_what, actor, t, path, rule) => {
    let error: unknown;
    try {
      assertCanDecideOrReassign(actor, t);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('conflict');
    expect((error as DomainError).details).toEqual([{ path, rule }]);
  });

  it('outside the jurisdiction the task stays absent, whatever its state', () => {
    const stranger = user('village_reviewer', OTHER_TOWNSHIP);
    expect(outcome(() => assertCanDecideOrReassign(stranger, { ...open, status: 'done' }))).toBe('not_found');
  });
});

describe('assertCanClaim', () => {
  const t = { role: 'village_reviewer', jurisdiction: OWN_VILLAGE } as const;
  it.each([
    [USERS.village_reviewer, 'ok'],
    [USERS.township_reviewer, 'forbidden'],
    [user('township_reviewer', '611002101'), 'not_found'],
  ] as const)('%j claims a village task → %s', (actor, expected) => {
    expect(outcome(() => assertCanClaim(actor, t))).toBe(expected);
  });
});

describe('assertEligibleAssignee', () => {
  const t: TaskState = {
    role: 'village_reviewer',
    jurisdiction: OWN_VILLAGE,
    status: 'claimed',
    assignee: 'village-1',
  };
  const member = (role: Role, jurisdiction: string, sub = 'village-2') => ({
    sub,
    name: sub,
    role,
    jurisdiction,
  });

  it('a colleague of the task’s role and jurisdiction takes it', () => {
    const colleague = member('village_reviewer', OWN_VILLAGE);
    expect(assertEligibleAssignee(colleague, t)).toBe(colleague);
  });

  it.each([
    ['nobody in the directory', undefined, 'known_colleague'],
    ['another role', member('township_reviewer', OWN_VILLAGE), 'same_role'],
    ['another village', member('village_reviewer', SAME_TOWNSHIP), 'task_jurisdiction'],
    ['the township around the village', member('village_reviewer', '611002100'), 'task_jurisdiction'],
    ['its current assignee', member('village_reviewer', OWN_VILLAGE, 'village-1'), 'not_current_assignee'],
  ] as const)('400 for %s, naming assignee with rule %s', (_what, m, rule) => {
    let error: unknown;
    try {
      assertEligibleAssignee(m, t);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('invalid_input');
    expect((error as DomainError).details).toMatchObject([{ path: 'assignee', rule }]);
  });
});

describe('escalationScope: what the escalations view lists', () => {
  /** The first stage a role reviews. */
  const stageOf = (role: Role): HumanStage => HUMAN_STAGES.find((s) => STAGE_SPECS[s].role === role)!;

  it('the reviewer roles are the roles of the stages', () => {
    expect([...REVIEWER_ROLES].sort()).toEqual(['county_reviewer', 'township_reviewer', 'village_reviewer']);
  });

  it('a township reviewer oversees the village reviewers of its own villages', () => {
    expect(escalationScope(USERS.township_reviewer)).toEqual({
      role: 'village_reviewer',
      county: '611002',
      township: '611002100',
    });
  });

  it('a county reviewer oversees the township reviewers of the whole county', () => {
    expect(escalationScope(USERS.county_reviewer)).toEqual({ role: 'township_reviewer', county: '611002' });
  });

  it.each(['village_reviewer', 'applicant', 'auditor', 'admin'] as const)(
    '%s oversees nobody: 403',
    (role) => {
      expect(outcome(() => escalationScope(USERS[role]))).toBe('forbidden');
    },
  );

  it('every overseen role escalates to the overseer, inside the overseer’s jurisdiction', () => {
    for (const overseer of [USERS.township_reviewer, USERS.county_reviewer]) {
      const scope = escalationScope(overseer);
      const t = { role: scope.role, jurisdiction: taskJurisdiction(stageOf(scope.role), OWN_VILLAGE) };
      expect(escalationTarget(t)).toEqual({ role: overseer.role, jurisdiction: overseer.jurisdiction });
    }
  });
});
