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

/** A risk-elimination proposal's evidence that meets every rule. */
export const proposalEvidence = {
  incomePerCapita12m: 9800,
  stableIncomeMonths: 8,
  twoAssurancesThreeGuarantees: true as const,
  safeDrinkingWater: true as const,
  narrative: '务工收入稳定，医疗费用已纳入保障。',
};

/** The township's home visit confirming a proposal's evidence, on `visitDate`. */
export const proposalVerification = (visitDate: string) => ({
  visitDate,
  verifiers: ['王五', '赵六'],
  verifiedIncomePerCapita: 9500,
  evidenceConfirmed: true,
  findings: '务工收入稳定，两不愁三保障均已落实。',
});

/** The body approving a proposal at `stage`: the home visit (on `visitDate`) confirms the evidence. */
export function proposalApproval(stage: string, visitDate: string) {
  return stage === 'township_verification'
    ? { decision: 'approve' as const, comment: '核实无误', details: proposalVerification(visitDate) }
    : approval(stage);
}
