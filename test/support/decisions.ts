/** Decision bodies of the standard stages, shared by the tests and the drill (which runs without vitest). */

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
