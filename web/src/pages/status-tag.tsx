import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../time.ts';

/** antd's preset greens fail AA contrast on their pale background: `success` is the theme's darker green. */
const COLOURS: Readonly<Record<string, string>> = {
  rejected: 'red',
  error: 'red',
  risk_eliminated: 'success',
};

/** A case's status as a tag; a household whose risk was eliminated carries the day monitoring ended. */
export function StatusTag({
  status,
  riskEliminatedAt,
  testId,
}: {
  status: string;
  riskEliminatedAt?: string;
  testId?: string;
}) {
  const { t } = useTranslation();
  const label = t(`status.${status}`);
  return (
    <Tag color={COLOURS[status] ?? 'blue'} data-testid={testId}>
      {status === 'risk_eliminated' && riskEliminatedAt
        ? t('punct.inParens', { text: label, note: formatDate(riskEliminatedAt) })
        : label}
    </Tag>
  );
}
