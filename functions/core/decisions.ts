import type { z } from 'zod';
import type { DecisionBody } from '../../schemas/decision.ts';
import { detailsSchemaByStage, requiredTextByStage } from '../../schemas/decision.ts';
import { type ErrorDetail, invalid } from './errors.ts';
import { type HumanStage, type Route, STAGE_SPECS } from './procedure.ts';

/** Decisions that conclude a stage on its merits and so need the stage's record (meeting, home visit). */
const NEEDS_DETAILS = new Set(['approve', 'reject']);

/** Converts zod issues to the contract's `details`, each naming the field path and the rule. */
export function issuesToDetails(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): ErrorDetail[] {
  return issues.flatMap(expandUnknownKeys).map((issue) => {
    const params = (issue as { params?: { rule?: unknown } }).params;
    const path = [...prefix, ...issue.path]
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
      .join('');
    return {
      path: path || '(body)',
      rule: typeof params?.rule === 'string' ? params.rule : issue.code,
      message: issue.message,
    };
  });
}

/** An unknown-keys issue names each key as its own field, so the client sees exactly what to drop. */
function expandUnknownKeys(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'unrecognized_keys') return [issue];
  return issue.keys.map((key) => ({
    ...issue,
    path: [...issue.path, key],
    message: 'not a field of this body',
    params: { rule: 'unknown_field' },
  }));
}

/**
 * Checks a decision against the stage it is made at: the decision is one the stage offers, a send-back
 * targets an allowed earlier stage, the texts the stage requires are there, and the stage's `details` are
 * present and valid where required. Returns the parsed details.
 */
export function validateDecision(stage: HumanStage, body: DecisionBody): unknown {
  const spec = STAGE_SPECS[stage];
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
  const schema = detailsSchemaByStage[stage];
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
      else problems.push(...issuesToDetails(parsed.error.issues, ['details']));
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
