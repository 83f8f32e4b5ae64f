import { Descriptions, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Household, Member } from '../../api/types.ts';

/**
 * The household as the API returns it: ID numbers already masked, no phone. `aboveLine`: the case's income lies
 * above its filing year's monitoring line, flagged for the reviewers with the household's justification.
 * `withMembers` false leaves the members' table out (the case page draws it just after its first paint).
 */
export function HouseholdPanel({
  household,
  aboveLine,
  withMembers = true,
}: {
  household: Partial<Household>;
  aboveLine?: { year: number; line: number };
  withMembers?: boolean;
}) {
  const { t } = useTranslation();
  const head = household.head;
  return (
    <>
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label={t('household.head')}>{head?.name}</Descriptions.Item>
        <Descriptions.Item label={t('household.idNumber')}>{head?.idNumber}</Descriptions.Item>
        <Descriptions.Item label={t('household.category')}>
          {household.category ? t(`category.${household.category}`) : ''}
        </Descriptions.Item>
        <Descriptions.Item label={t('household.riskTypes')}>
          {(household.riskTypes ?? []).map((r) => (
            <Tag key={r}>{t(`riskType.${r}`)}</Tag>
          ))}
        </Descriptions.Item>
        <Descriptions.Item label={t('household.income')}>
          {household.annualNetIncomePerCapita} {t('household.yuan')}
          {aboveLine ? (
            <Tag color="error" style={{ marginLeft: 8 }}>
              {t('household.aboveLine', aboveLine)}
            </Tag>
          ) : null}
        </Descriptions.Item>
        <Descriptions.Item label={t('household.source')}>
          {household.source ? t(`source.${household.source}`) : ''}
        </Descriptions.Item>
        <Descriptions.Item label={t('household.address')} span={2}>
          {household.address}
        </Descriptions.Item>
        <Descriptions.Item label={t('household.narrative')} span={2}>
          {household.narrative}
        </Descriptions.Item>
        {household.justification ? (
          <Descriptions.Item label={t('household.justification')} span={2}>
            {household.justification}
          </Descriptions.Item>
        ) : null}
      </Descriptions>
      {withMembers ? (
        <Table<Member>
          style={{ marginTop: 12 }}
          size="small"
          rowKey={(m) => `${m.name}:${m.idNumber}`}
          pagination={false}
          dataSource={household.members ?? []}
          columns={[
            { title: t('household.name'), dataIndex: 'name' },
            { title: t('household.idNumber'), dataIndex: 'idNumber' },
            {
              title: t('household.relation'),
              dataIndex: 'relation',
              render: (r: string) => (r === 'self' ? t('household.self') : r),
            },
            { title: t('household.health'), dataIndex: 'health' },
            { title: t('household.disability'), dataIndex: 'disability' },
            { title: t('household.schooling'), dataIndex: 'schooling' },
            {
              title: t('household.ableToWork'),
              dataIndex: 'ableToWork',
              render: (v: boolean) => (v ? t('common.yes') : t('common.no')),
            },
          ]}
        />
      ) : null}
    </>
  );
}
