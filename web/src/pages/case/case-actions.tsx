import { Button, Form, Input, Modal, Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { z } from 'zod';
import { issuesToDetails } from '../../../../functions/core/decisions.ts';
import type { StageOrder } from '../../../../functions/core/policy.ts';
import { beforeCountyDecision, isTerminal } from '../../../../functions/core/procedure.ts';
import { supplementSchema, withdrawSchema } from '../../../../schemas/application.ts';
import { objectionBodySchema } from '../../../../schemas/objection.ts';
import { reexaminationRequestSchema } from '../../../../schemas/reexamination.ts';
import { ApiError } from '../../api/client.ts';
import { api } from '../../api/endpoints.ts';
import type { CaseView, User } from '../../api/types.ts';
import { ErrorAlert, fieldErrors } from '../../errors.tsx';
import { useFeedback } from '../../feedback.ts';

export interface Field {
  name: string[];
  label: string;
  required?: boolean;
  multiline?: boolean;
  /** a choice among these instead of free text */
  options?: { value: string; label: string }[];
}

/**
 * A small form in a dialog: checked with the route's own zod schema before it is sent, every problem shown
 * at its field with the API's rule, then the API's answer.
 */
export function ActionDialog(props: {
  title: string;
  fields: Field[];
  schema: z.ZodType;
  /** the body as the schema takes it, from the form's values */
  body: (values: Record<string, unknown>) => unknown;
  send: (body: never) => Promise<unknown>;
  done: string;
  danger?: boolean;
  onClose: (changed: boolean) => void;
}) {
  const { t } = useTranslation();
  const feedback = useFeedback();
  const [form] = Form.useForm();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const body = props.body(form.getFieldsValue(true) as Record<string, unknown>);
    const parsed = props.schema.safeParse(body);
    if (!parsed.success) {
      form.setFields(fieldErrors(t, issuesToDetails(parsed.error.issues)));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await props.send(parsed.data as never);
      feedback.success(props.done);
      props.onClose(true);
    } catch (e) {
      if (e instanceof ApiError && e.details.length) form.setFields(fieldErrors(t, e.details));
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={props.title}
      okText={t('common.submit')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: busy, danger: props.danger }}
      onOk={() => void submit()}
      onCancel={() => props.onClose(false)}
    >
      <Form form={form} layout="vertical" onFinish={submit}>
        {props.fields.map((f) => (
          <Form.Item key={f.name.join('.')} name={f.name} label={f.label} required={f.required}>
            {f.options ? (
              <Select options={f.options} />
            ) : f.multiline ? (
              <Input.TextArea rows={3} />
            ) : (
              <Input />
            )}
          </Form.Item>
        ))}
      </Form>
      <ErrorAlert error={error} />
    </Modal>
  );
}

export const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : undefined);

/**
 * What the user may do to the case beyond a stage decision, each only where the case allows it: supplement a
 * returned case, withdraw before the county decides, ask once for re-examination of a rejection, file an
 * objection during publicity, and propose the risk elimination of an enrolled household (its own page).
 */
export function CaseActions({ c, user, onChanged }: { c: CaseView; user: User; onChanged: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [open, setOpen] = useState<'supplement' | 'withdraw' | 'reexamination' | 'objection'>();
  const filer = user.role === 'applicant' || user.role === 'village_reviewer';
  const canSupplement = filer && c.status === 'returned';
  const canWithdraw =
    filer && !isTerminal(c.status) && beforeCountyDecision(c.stageOrder as StageOrder, c.stage);
  const canReexamine = user.role === 'applicant' && c.status === 'rejected' && !c.reexaminationRequestedAt;
  const canObject =
    (user.role === 'village_reviewer' || user.role === 'township_reviewer') &&
    c.stage === 'publicity' &&
    c.status === 'open';
  const canPropose =
    filer && c.procedure === 'identification' && c.status === 'enrolled' && !c.openProposalId;
  const close = (changed: boolean) => {
    setOpen(undefined);
    if (changed) onChanged();
  };
  if (!canSupplement && !canWithdraw && !canReexamine && !canObject && !canPropose) return null;
  return (
    <>
      <Space wrap>
        {canPropose ? (
          <Button
            type="primary"
            onClick={() => navigate(`/cases/${encodeURIComponent(c.caseId)}/risk-elimination`)}
          >
            {t('caseActions.propose')}
          </Button>
        ) : null}
        {canSupplement ? (
          <Button type="primary" onClick={() => setOpen('supplement')}>
            {t('caseActions.supplement')}
          </Button>
        ) : null}
        {canReexamine ? (
          <Button type="primary" onClick={() => setOpen('reexamination')}>
            {t('caseActions.reexamination')}
          </Button>
        ) : null}
        {canObject ? (
          <Button type="primary" onClick={() => setOpen('objection')}>
            {t('caseActions.objection')}
          </Button>
        ) : null}
        {canWithdraw ? (
          <Button danger onClick={() => setOpen('withdraw')}>
            {t('caseActions.withdraw')}
          </Button>
        ) : null}
      </Space>
      {open === 'supplement' ? (
        <ActionDialog
          title={t('caseActions.supplement')}
          fields={[
            { name: ['note'], label: t('caseActions.note'), required: true, multiline: true },
            { name: ['narrative'], label: t('caseActions.newNarrative'), multiline: true },
          ]}
          schema={supplementSchema}
          body={(v) => ({
            note: v.note ?? '',
            ...(text(v.narrative) ? { household: { narrative: v.narrative } } : {}),
          })}
          send={(b) => api.supplement(c.caseId, b)}
          done={t('caseActions.supplemented')}
          onClose={close}
        />
      ) : null}
      {open === 'withdraw' ? (
        <ActionDialog
          title={t('caseActions.withdraw')}
          danger
          fields={[{ name: ['reason'], label: t('caseActions.reason'), required: true, multiline: true }]}
          schema={withdrawSchema}
          body={(v) => ({ reason: v.reason ?? '' })}
          send={(b: { reason: string }) => api.withdraw(c.caseId, b.reason)}
          done={t('caseActions.withdrawn')}
          onClose={close}
        />
      ) : null}
      {open === 'reexamination' ? (
        <ActionDialog
          title={t('caseActions.reexamination')}
          fields={[{ name: ['reason'], label: t('caseActions.reason'), required: true, multiline: true }]}
          schema={reexaminationRequestSchema}
          body={(v) => ({ reason: v.reason ?? '' })}
          send={(b: { reason: string }) => api.reexamination(c.caseId, b.reason)}
          done={t('caseActions.reexaminationRequested')}
          onClose={close}
        />
      ) : null}
      {open === 'objection' ? (
        <ActionDialog
          title={t('caseActions.objection')}
          fields={[
            { name: ['objector', 'name'], label: t('caseActions.objectorName'), required: true },
            { name: ['objector', 'phone'], label: t('caseActions.objectorPhone') },
            { name: ['content'], label: t('caseActions.objectionContent'), required: true, multiline: true },
          ]}
          schema={objectionBodySchema}
          body={(v) => {
            const o = (v.objector ?? {}) as Record<string, unknown>;
            return {
              objector: { name: o.name ?? '', ...(text(o.phone) ? { phone: o.phone } : {}) },
              content: v.content ?? '',
            };
          }}
          send={(b) => api.fileObjection(c.caseId, b)}
          done={t('caseActions.objectionFiled')}
          onClose={close}
        />
      ) : null}
    </>
  );
}
