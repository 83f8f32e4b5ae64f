import { expect } from 'vitest';
import type { Household } from '../../schemas/application.ts';
import { type ApiClient, eventually } from './runtime.ts';

/** The review stages of the standard order, first to last. */
export const REVIEW_STAGES = ['village_review', 'township_verification', 'county_approval'];

export const villageDetails = { meetingDate: '2026-11-03', attendees: 25, votesFor: 22, votesAgainst: 1 };
export const townshipDetails = {
  visitDate: '2026-11-05',
  verifiers: ['王五', '赵六'],
  verifiedIncomePerCapita: 5100,
  confirmedRiskTypes: ['illness'],
  findings: '入户核实情况属实。',
};

/** The body a reviewer sends to approve at `stage`, with the stage's record where it needs one. */
export function approval(stage: string) {
  if (stage === 'village_review') return { decision: 'approve', comment: '同意', details: villageDetails };
  if (stage === 'township_verification')
    return { decision: 'approve', comment: '核实无误', details: townshipDetails };
  return { decision: 'approve', comment: '同意纳入' };
}

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
export function openTask(reviewer: ApiClient, caseId: string, stage: string) {
  return eventually(
    async () => {
      const res = await reviewer.get<{ items: { taskId: string; caseId: string; stage: string }[] }>(
        '/api/tasks?limit=100',
      );
      return res.body.items.find((t) => t.caseId === caseId && t.stage === stage);
    },
    20_000,
    `${stage} task of ${caseId}`,
  );
}

export async function decide(reviewer: ApiClient, taskId: string, body: unknown) {
  const res = await reviewer.post(`/api/tasks/${taskId}/decision`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

export function caseOf(client: ApiClient, caseId: string) {
  return client.get<any>(`/api/cases/${caseId}`).then((r) => r.body);
}

/** Waits until the case reaches `status`. */
export function statusReached(client: ApiClient, caseId: string, status: string, timeoutMs = 30_000) {
  return eventually(
    async () => {
      const c = await caseOf(client, caseId);
      return c.status === status ? c : undefined;
    },
    timeoutMs,
    `case ${caseId} to be ${status}`,
  );
}

/** Takes a case through the review stages, approving each, up to (not including) `until`. */
export async function approveThrough(a: Actors, caseId: string, stages: string[]) {
  for (const stage of stages) {
    const task = await openTask(reviewerOf(a, stage), caseId, stage);
    await decide(reviewerOf(a, stage), task.taskId, approval(stage));
  }
}
