import { expect } from 'vitest';
import { executionArnOf, STATE_MACHINE_ENV } from '../../functions/commons/step-functions.ts';
import type { Runtime } from '../../local/runtime.ts';
import type { Household } from '../../schemas/application.ts';
import type { Procedure } from '../../schemas/domain.ts';
import type { AuditRecord, ChainStatus, TaskView } from '../../schemas/records.ts';
import { approval } from './decisions.ts';
import { type ApiClient, client, eventually } from './runtime.ts';

export { approval, townshipDetails, villageDetails } from './decisions.ts';

/** The review stages of the standard order, first to last. */
export const REVIEW_STAGES = ['village_review', 'township_verification', 'county_approval'];

export function rejection(stage: string) {
  return { ...approval(stage), decision: 'reject', reason: '收入高于监测标准' };
}

export interface Actors {
  applicant: ApiClient;
  village: ApiClient;
  township: ApiClient;
  county: ApiClient;
}

export const reviewerOf = (a: Actors, stage: string): ApiClient =>
  stage === 'village_review' ? a.village : stage === 'county_approval' ? a.county : a.township;

export async function file(client: ApiClient, household: Household): Promise<{ caseId: string }> {
  const res = await client.post<{ caseId: string }>('/api/cases', { procedure: 'identification', household });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Waits until the case's task for `stage` is in the reviewer's inbox, and returns it. */
export async function openTask(reviewer: ApiClient, caseId: string, stage: string) {
  try {
    return await eventually(
      async () => (await inboxOf(reviewer)).find((t) => t.caseId === caseId && t.stage === stage),
      20_000,
      `${stage} task of ${caseId}`,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}; ${await whereItStands(reviewer, caseId)}`);
  }
}

/** Where a case stands (status, stage, error, trail): what a timed-out wait reports instead of just the wait. */
async function whereItStands(client: ApiClient, caseId: string): Promise<string> {
  const c = await caseOf(client, caseId);
  const error = c.error ? ` (${c.error.code}: ${c.error.message})` : '';
  const trail = c.timeline?.map((r: { action: string }) => r.action).join(' ');
  return `the case is ${c.status} at ${c.stage}${error}, trail: ${trail}`;
}

export async function decide(reviewer: ApiClient, taskId: string, body: unknown) {
  const res = await reviewer.post(`/api/tasks/${taskId}/decision`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

export function caseOf(client: ApiClient, caseId: string) {
  // biome-ignore lint/suspicious/noExplicitAny: tests read the case and its timeline loosely
  return client.get<any>(`/api/cases/${caseId}`).then((r) => r.body);
}

/** Waits until the case reaches `status`. */
export async function statusReached(client: ApiClient, caseId: string, status: string, timeoutMs = 30_000) {
  try {
    return await eventually(
      async () => {
        const c = await caseOf(client, caseId);
        return c.status === status ? c : undefined;
      },
      timeoutMs,
      `case ${caseId} to be ${status}`,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}; ${await whereItStands(client, caseId)}`);
  }
}

/** Takes a case through the review stages, approving each, up to (not including) `until`. */
export async function approveThrough(a: Actors, caseId: string, stages: string[]) {
  for (const stage of stages) {
    const task = await openTask(reviewerOf(a, stage), caseId, stage);
    await decide(reviewerOf(a, stage), task.taskId, approval(stage));
  }
}

/** A `return` to the applicant, naming what is missing. */
export const returnForSupplement = { decision: 'return', comment: '材料不全', missing: ['医疗费用票据'] };

/** A `send_back` to the earlier stage `to`. */
export const sendBack = (to: string) => ({
  decision: 'send_back',
  comment: '需重新办理',
  to,
  reason: '核实情况与上一环节意见不符',
});

export const supplement = (
  client: ApiClient,
  caseId: string,
  body: unknown = { note: '已补充医疗费用票据' },
) => client.post(`/api/cases/${caseId}/supplements`, body);

export const withdraw = (client: ApiClient, caseId: string, reason = '家庭情况好转，申请撤回') =>
  client.post(`/api/cases/${caseId}/withdraw`, { reason });

/** The case's audit records and whether their hash chain holds. */
export async function auditOf(client: ApiClient, caseId: string) {
  const res = await client.get<{ records: AuditRecord[]; chain: ChainStatus }>(`/api/cases/${caseId}/audit`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The trail's actions in order, without escalations: a slow machine may let any task run overdue. */
export const actionsOf = (c: { timeline: { action: string }[] }) =>
  c.timeline.map((r) => r.action).filter((x) => x !== 'escalated');

/** The reviewer's inbox (every open task of their role and jurisdiction). */
export async function inboxOf(reviewer: ApiClient) {
  const res = await reviewer.get<{ items: TaskView[] }>('/api/tasks?limit=100');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items;
}

/** Asserts the trail's timestamps never go backwards. */
export function expectChronological(timeline: { at: string }[]) {
  const times = timeline.map((r) => Date.parse(r.at));
  expect([...times].sort((x, y) => x - y)).toEqual(times);
}

/** Waits until the case's workflow execution has finished, and returns how (SUCCEEDED, ABORTED, …). */
export async function workflowEnded(
  rt: Runtime,
  caseId: string,
  procedure: Procedure = 'identification',
): Promise<string> {
  const arn = executionArnOf(process.env[STATE_MACHINE_ENV[procedure]]!, caseId);
  return (await rt.engine.waitForExecution(arn, 30_000)).status;
}

/** A case's publicity notice as the raw HTTP response (the JSON client would try to parse it). */
export async function noticeOf(rt: Runtime, username: string, caseId: string): Promise<Response> {
  const { body } = await client(rt.url).post<{ token: string }>('/api/auth/login', {
    username,
    password: 'demo',
  });
  return fetch(`${rt.url}/api/cases/${caseId}/notice`, {
    headers: { authorization: `Bearer ${body.token}` },
  });
}
