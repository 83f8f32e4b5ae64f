import type { z } from 'zod';
import type { DecisionBody } from '../../schemas/decision.ts';
import { requiredTextByStage } from '../../schemas/decision.ts';
import { capDetails, type ErrorDetail, invalid } from './errors.ts';
import { DEFAULT_VILLAGE_VOTE, type VillageVoteRule, votesCarry } from './policy.ts';
import { type HumanStage, IDENTIFICATION, type ProcedureCatalogue, type Route } from './procedure.ts';

/** Decisions that conclude a stage on its merits and so need the stage's record (meeting, home visit). */
const NEEDS_DETAILS = new Set(['approve', 'reject']);

/**
 * Converts zod issues to the contract's `details`, each naming the field path and the rule, capped like every
 * error's details (errors.ts capDetails): a body of 10⁵ bad items costs 51 conversions, not 10⁵.
 */
export function issuesToDetails(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): ErrorDetail[] {
  return capDetails(detailsOf(issues, prefix));
}

function* detailsOf(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[],
): Generator<ErrorDetail> {
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      // each unknown key is its own field, so the client sees exactly what to drop
      for (const key of issue.keys) {
        yield {
          path: pathOf([...prefix, ...issue.path, key]),
          rule: 'unknown_field',
          message: 'not a field of this body',
        };
      }
      continue;
    }
    const params = (issue as { params?: { rule?: unknown } }).params;
    yield {
      path: pathOf([...prefix, ...issue.path]),
      rule: typeof params?.rule === 'string' ? params.rule : issue.code,
      message: issue.message,
    };
  }
}

/** `household.members[0].idNumber`, or `(body)` for the body itself. */
const pathOf = (path: readonly PropertyKey[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') ||
  '(body)';

/**
 * Checks a decision against the stage it is made at: the decision is one the stage offers, a send-back
 * targets an allowed earlier stage, the texts the stage requires are there, and the stage's `details` are
 * present and valid where required (the procedure's catalogue says which); a village approval's votes carry it
 * under the county's rule (`majority`). Returns the parsed details.
 */
export function validateDecision(
  stage: HumanStage,
  body: DecisionBody,
  villageVote: VillageVoteRule = DEFAULT_VILLAGE_VOTE,
  catalogue: ProcedureCatalogue = IDENTIFICATION,
): unknown {
  const spec = catalogue.stages[stage];
  const problems: ErrorDetail[] = [];
  if (!spec.decisions.includes(body.decision)) {
    problems.push({
      path: 'decision',
      rule: 'allowed_at_stage',
      message: `${stage} allows ${spec.decisions.join(', ')}`,
    });
  }
  if (body.decision === 'send_back' && body.to && !spec.sendBackTo.includes(body.to as HumanStage)) {
    problems.push({
      path: 'to',
      rule: 'earlier_stage',
      message: spec.sendBackTo.length
        ? `must be ${spec.sendBackTo.join(' or ')}`
        : `${stage} cannot send back`,
    });
  }
  for (const field of requiredTextByStage[stage]?.[body.decision] ?? []) {
    if (!body[field]) {
      problems.push({
        path: field,
        rule: 'required',
        message: `${stage} needs a ${field} to ${body.decision}`,
      });
    }
  }
  const schema = catalogue.details[stage];
  let details: unknown;
  if (schema && (body.details !== undefined || NEEDS_DETAILS.has(body.decision))) {
    if (body.details === undefined) {
      problems.push({
        path: 'details',
        rule: 'required',
        message: `${stage} needs its record to ${body.decision}`,
      });
    } else {
      const parsed = schema.safeParse(body.details);
      if (parsed.success) details = parsed.data;
      else for (const d of issuesToDetails(parsed.error.issues, ['details'])) problems.push(d);
      if (parsed.success && stage === 'village_review' && body.decision === 'approve') {
        const votes = parsed.data as { attendees: number; votesFor: number; votesAgainst: number };
        if (!votesCarry(villageVote, votes)) {
          problems.push({
            path: 'details.votesFor',
            rule: 'majority',
            message: `the meeting's votes do not carry an approval (county rule ${villageVote})`,
          });
        }
      }
    }
  } else if (!schema && body.details !== undefined) {
    problems.push({ path: 'details', rule: 'not_allowed', message: `${stage} takes no details` });
  }
  if (problems.length) throw invalid('the decision is not valid at this stage', problems);
  return details;
}

/**
 * What a decision's audit record keeps: the task, who stepped in for whom, the decision's texts and details,
 * the objections it settled and the route the case took.
 */
export function decisionAuditData(
  taskId: string,
  body: DecisionBody,
  details: unknown,
  route: Route,
  extra: { onBehalfOf?: string; objectionIds?: readonly string[] } = {},
): Record<string, unknown> {
  return {
    taskId,
    ...(extra.onBehalfOf ? { onBehalfOf: extra.onBehalfOf } : {}),
    ...(body.reason ? { reason: body.reason } : {}),
    ...(body.missing ? { missing: body.missing } : {}),
    ...(body.to ? { to: body.to } : {}),
    ...(details !== undefined ? { details } : {}),
    ...(extra.objectionIds?.length ? { objectionIds: extra.objectionIds } : {}),
    route,
  };
}
