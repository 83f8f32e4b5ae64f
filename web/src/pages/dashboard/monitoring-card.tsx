/**
 * The county's monitoring year (GET /api/reports/monitoring): households and persons under monitoring, newly
 * identified, risk-eliminated and returned to risk, and the share with an implemented measure.
 */
import { Card, Col, Row, Statistic } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints.ts';
import { ErrorAlert } from '../../errors.tsx';
import { useLoad } from '../../hooks.ts';

export function MonitoringCard({ county, year }: { county: string; year: string }) {
  const { t } = useTranslation();
  const { data, error } = useLoad(() => api.monitoring({ county, year }), [county, year]);
  const count = (c?: { households: number; persons: number }) =>
    c ? t('dashboard.monitoring.households', c) : '—';
  const cells: [string, string][] = [
    ['enrolled', count(data?.enrolled)],
    ['newlyIdentified', count(data?.newlyIdentified)],
    ['riskEliminated', count(data?.riskEliminated)],
    ['returnedToRisk', count(data?.returnedToRisk)],
    [
      'withMeasure',
      data
        ? `${data.withImplementedMeasure.households} (${Math.round(data.withImplementedMeasure.share * 100)}%)`
        : '—',
    ],
  ];
  return (
    <Card title={t('dashboard.monitoring.title', { year })} data-testid="monitoring-card">
      <ErrorAlert error={error} />
      <Row gutter={16}>
        {cells.map(([key, value]) => (
          <Col key={key} span={key === 'withMeasure' ? 8 : 4}>
            <Statistic title={t(`dashboard.monitoring.${key}`)} value={value} />
          </Col>
        ))}
      </Row>
    </Card>
  );
}
