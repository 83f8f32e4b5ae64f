import { Timeline, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditRecord } from '../../api/types.ts';
import { formatDateTime } from '../../time.ts';

type Data = Record<string, unknown>;
const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);

/** The lines a record's data adds in plain words: reasons, what is missing, the meeting or home visit. */
function dataLines(t: TFunction, r: AuditRecord): string[] {
  const d: Data = r.data ?? {};
  const lines: string[] = [];
  if (typeof d.reason === 'string') lines.push(t('timeline.reason', { text: d.reason }));
  if (d.missing) lines.push(t('timeline.missing', { items: list(d.missing).join(t('punct.clauseSep')) }));
  if (typeof d.to === 'string') lines.push(t('timeline.sentBackTo', { stage: t(`stage.${d.to}`) }));
  if (typeof d.to === 'object' && d.to && 'name' in d.to) {
    lines.push(t('timeline.reassignedTo', { name: String((d.to as { name: unknown }).name) }));
  }
  const details = (d.details ?? {}) as Data;
  if (details.meetingDate) {
    lines.push(
      t('timeline.meeting', {
        date: details.meetingDate,
        attendees: details.attendees,
        votesFor: details.votesFor,
        votesAgainst: details.votesAgainst,
      }),
    );
  }
  if (details.visitDate) {
    lines.push(
      t('timeline.visit', {
        date: details.visitDate,
        verifiers: list(details.verifiers).join(t('punct.listSep')),
        income: details.verifiedIncomePerCapita,
        risks: list(details.confirmedRiskTypes)
          .map((x) => t(`riskType.${x}`))
          .join(t('punct.listSep')),
      }),
    );
    if (typeof details.findings === 'string') lines.push(t('timeline.findings', { text: details.findings }));
  }
  if (r.action === 'task_opened' && typeof d.dueAt === 'string') {
    lines.push(t('timeline.dueAt', { at: formatDateTime(d.dueAt) }));
  }
  if (typeof d.onBehalfOf === 'string') lines.push(t('timeline.onBehalfOf'));
  return lines;
}

/** The action, at its stage, with its decision: 作出决定（县级审定）：同意. */
function whatHappened(t: TFunction, r: AuditRecord): string {
  const action = t(`action.${r.action}`, { defaultValue: r.action });
  const atStage = r.stage ? t('punct.inParens', { text: action, note: t(`stage.${r.stage}`) }) : action;
  return r.decision ? t('punct.labelled', { label: atStage, value: t(`decision.${r.decision}`) }) : atStage;
}

/**
 * Every audit record of the case, oldest first, as sentences: who, when, what, the comment. Drawn again only when
 * the records change (not when the chain badge or the task arrive).
 */
export const CaseTimeline = memo(function CaseTimeline({ records }: { records: AuditRecord[] }) {
  const { t } = useTranslation();
  return (
    <Timeline
      items={records.map((r) => ({
        key: r.seq,
        color:
          r.decision === 'reject'
            ? 'red'
            : r.action === 'escalated' || r.action === 'error'
              ? 'orange'
              : 'blue',
        content: (
          <div data-testid="timeline-record">
            <Typography.Text type="secondary">{formatDateTime(r.at)}</Typography.Text>{' '}
            <Typography.Text strong>
              {r.actor.role === 'system'
                ? t('role.system')
                : t('punct.inParens', { text: r.actor.name, note: t(`role.${r.actor.role}`) })}
            </Typography.Text>{' '}
            {whatHappened(t, r)}
            {r.comment ? <div>{t('timeline.comment', { text: r.comment })}</div> : null}
            {dataLines(t, r).map((line) => (
              <div key={line}>{line}</div>
            ))}
          </div>
        ),
      }))}
    />
  );
});
