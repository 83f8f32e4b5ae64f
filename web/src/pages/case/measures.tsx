import { Button, Descriptions, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  contactBodySchema,
  MEASURE_TYPES,
  measureBodySchema,
  measurePatchSchema,
} from '../../../../schemas/measure.ts';
import { api } from '../../api/endpoints.ts';
import type { CaseView, MeasureView, User } from '../../api/types.ts';
import { ErrorAlert } from '../../errors.tsx';
import { useLoad } from '../../hooks.ts';
import { ActionDialog, text } from './case-actions.tsx';

const WRITERS = ['village_reviewer', 'township_reviewer'];

type Dialog = { kind: 'add' } | { kind: 'contact' } | { kind: 'implement' | 'cancel'; m: MeasureView };

/**
 * The enrolled case's assistance plan ("一户一策"): its contact (帮扶责任人) and measures (帮扶措施), overdue ones
 * flagged; village and township reviewers add measures, record them implemented or cancelled, and set the
 * contact, each form checked with the API's own schema before it is sent.
 */
export function MeasuresPanel({ c, user, onChanged }: { c: CaseView; user: User; onChanged: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<Dialog>();
  const { data, error, reload } = useLoad(() => api.measures(c.caseId), [c.caseId, c.version]);
  const writes = WRITERS.includes(user.role) && c.status === 'enrolled';
  const close = (changed: boolean) => {
    setOpen(undefined);
    if (changed) {
      void reload();
      onChanged();
    }
  };
  const summary = c.measuresSummary;
  return (
    <Space orientation="vertical" size="small" style={{ width: '100%' }}>
      <Descriptions size="small" column={3} title={t('measures.contact')}>
        {c.contact ? (
          <>
            <Descriptions.Item label={t('measures.contactName')}>{c.contact.name}</Descriptions.Item>
            <Descriptions.Item label={t('measures.contactUnit')}>{c.contact.unit}</Descriptions.Item>
            <Descriptions.Item label={t('measures.contactPhone')}>{c.contact.phone}</Descriptions.Item>
          </>
        ) : (
          <Descriptions.Item>{t('measures.noContact')}</Descriptions.Item>
        )}
      </Descriptions>
      {writes ? (
        <Space wrap>
          <Button onClick={() => setOpen({ kind: 'contact' })}>{t('measures.setContact')}</Button>
          <Button type="primary" onClick={() => setOpen({ kind: 'add' })}>
            {t('measures.add')}
          </Button>
        </Space>
      ) : null}
      <Typography.Text type="secondary" data-testid="measures-summary">
        {t('measures.summary', summary)}
      </Typography.Text>
      <ErrorAlert error={error} />
      <Table<MeasureView>
        size="small"
        rowKey="measureId"
        pagination={false}
        dataSource={data?.items ?? []}
        // antd's placeholder grey fails AA contrast: the text carries the body colour
        locale={{ emptyText: <Typography.Text>{t('measures.none')}</Typography.Text> }}
        columns={[
          { title: t('measures.type'), render: (_, m) => t(`measureType.${m.type}`) },
          { title: t('measures.description'), dataIndex: 'description' },
          { title: t('measures.cadre'), render: (_, m) => m.responsibleCadre.name },
          { title: t('measures.plannedAt'), dataIndex: 'plannedAt' },
          {
            title: t('measures.status'),
            render: (_, m) => (
              <Space size={4}>
                <Tag color={m.status === 'implemented' ? 'success' : undefined}>
                  {t(`measureStatus.${m.status}`)}
                </Tag>
                {m.overdue ? <Tag color="error">{t('measures.overdue')}</Tag> : null}
                {m.implementedAt ?? ''}
              </Space>
            ),
          },
          ...(writes
            ? [
                {
                  title: '',
                  render: (_: unknown, m: MeasureView) =>
                    m.status === 'planned' ? (
                      <Space size={4}>
                        <Button size="small" onClick={() => setOpen({ kind: 'implement', m })}>
                          {t('measures.implement')}
                        </Button>
                        <Button size="small" danger onClick={() => setOpen({ kind: 'cancel', m })}>
                          {t('measures.cancel')}
                        </Button>
                      </Space>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
      {open?.kind === 'add' ? (
        <ActionDialog
          title={t('measures.add')}
          fields={[
            {
              name: ['type'],
              label: t('measures.type'),
              required: true,
              options: MEASURE_TYPES.map((v) => ({ value: v, label: t(`measureType.${v}`) })),
            },
            { name: ['description'], label: t('measures.description'), required: true, multiline: true },
            { name: ['cadre'], label: t('measures.cadre'), required: true },
            { name: ['cadrePhone'], label: t('measures.cadrePhone') },
            { name: ['plannedAt'], label: t('measures.plannedAt'), required: true },
            { name: ['targetMember'], label: t('measures.targetMember') },
          ]}
          schema={measureBodySchema}
          body={(v) => ({
            type: v.type,
            description: v.description ?? '',
            responsibleCadre: { name: v.cadre ?? '', ...(text(v.cadrePhone) ? { phone: v.cadrePhone } : {}) },
            plannedAt: v.plannedAt ?? '',
            ...(text(v.targetMember) ? { targetMember: v.targetMember } : {}),
          })}
          send={(b) => api.addMeasure(c.caseId, b)}
          done={t('measures.added')}
          onClose={close}
        />
      ) : null}
      {open?.kind === 'implement' ? (
        <ActionDialog
          title={t('measures.implement')}
          fields={[
            { name: ['implementedAt'], label: t('measures.implementedAt'), required: true },
            { name: ['effect'], label: t('measures.effect'), multiline: true },
          ]}
          schema={measurePatchSchema}
          body={(v) => ({
            status: 'implemented',
            implementedAt: v.implementedAt ?? '',
            ...(text(v.effect) ? { effect: v.effect } : {}),
            expectedVersion: open.m.version,
          })}
          send={(b) => api.updateMeasure(c.caseId, open.m.measureId, b)}
          done={t('measures.implemented')}
          onClose={close}
        />
      ) : null}
      {open?.kind === 'cancel' ? (
        <ActionDialog
          title={t('measures.cancel')}
          danger
          fields={[{ name: ['reason'], label: t('measures.reason'), required: true, multiline: true }]}
          schema={measurePatchSchema}
          body={(v) => ({ status: 'cancelled', reason: v.reason ?? '', expectedVersion: open.m.version })}
          send={(b) => api.updateMeasure(c.caseId, open.m.measureId, b)}
          done={t('measures.cancelled')}
          onClose={close}
        />
      ) : null}
      {open?.kind === 'contact' ? (
        <ActionDialog
          title={t('measures.setContact')}
          fields={[
            { name: ['name'], label: t('measures.contactName'), required: true },
            { name: ['unit'], label: t('measures.contactUnit'), required: true },
            { name: ['phone'], label: t('measures.contactPhone'), required: true },
          ]}
          schema={contactBodySchema}
          body={(v) => ({ name: v.name ?? '', unit: v.unit ?? '', phone: v.phone ?? '' })}
          send={(b) => api.setContact(c.caseId, b)}
          done={t('measures.contactSet')}
          onClose={close}
        />
      ) : null}
    </Space>
  );
}
