import { Steps } from 'antd';
import { useTranslation } from 'react-i18next';
import type { StageOrder } from '../../../../functions/core/policy.ts';
import { catalogueOf, STAGE_ORDERS } from '../../../../functions/core/procedure.ts';
import type { CaseView } from '../../api/types.ts';

/**
 * The case's stages in its county's order (the policy it started with), the current one highlighted, then the
 * end its procedure leads to. A case on a branch (objection review, re-examination) shows the branch after the
 * stage it left from.
 */
export function StageDiagram({ c }: { c: CaseView }) {
  const { t } = useTranslation();
  const line: string[] = [...(STAGE_ORDERS[c.stageOrder as StageOrder] ?? STAGE_ORDERS.standard)];
  if (!line.includes(c.stage)) {
    // objection review follows publicity; re-examination follows the main line
    const at = c.stage === 'objection_review' ? line.indexOf('publicity') + 1 : line.length;
    line.splice(at, 0, c.stage);
  }
  const ended = ['enrolled', 'risk_eliminated'].includes(c.status);
  const current = ended ? line.length : line.indexOf(c.stage);
  const failed = c.status === 'rejected' || c.status === 'withdrawn' || c.status === 'error';
  // the end a case reaches by passing every stage: enrolment, or the end of monitoring for a proposal
  const success = catalogueOf(c.procedure).success;
  const items = [...line.map((s) => ({ title: t(`stage.${s}`) })), { title: t(`status.${success}`) }];
  return (
    <Steps
      size="small"
      current={current}
      status={failed ? 'error' : ended ? 'finish' : 'process'}
      items={items}
      aria-label={t('caseDetail.stagesOf', { procedure: t(`procedure.${c.procedure}`) })}
    />
  );
}
