import { Descriptions } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Evidence } from '../../api/types.ts';

/** What a risk-elimination proposal rests on, as it was filed. */
export function EvidencePanel({ evidence }: { evidence: Partial<Evidence> }) {
  const { t } = useTranslation();
  const secured = (v: boolean | undefined) => (v ? t('common.yes') : t('common.no'));
  return (
    <Descriptions size="small" column={2} bordered data-testid="evidence">
      <Descriptions.Item label={t('evidence.incomePerCapita12m')}>
        {evidence.incomePerCapita12m} {t('household.yuan')}
      </Descriptions.Item>
      <Descriptions.Item label={t('evidence.stableIncomeMonths')}>
        {t('evidence.months', { count: evidence.stableIncomeMonths })}
      </Descriptions.Item>
      <Descriptions.Item label={t('evidence.twoAssurancesThreeGuarantees')}>
        {secured(evidence.twoAssurancesThreeGuarantees)}
      </Descriptions.Item>
      <Descriptions.Item label={t('evidence.safeDrinkingWater')}>
        {secured(evidence.safeDrinkingWater)}
      </Descriptions.Item>
      <Descriptions.Item label={t('evidence.narrative')} span={2}>
        {evidence.narrative}
      </Descriptions.Item>
    </Descriptions>
  );
}
