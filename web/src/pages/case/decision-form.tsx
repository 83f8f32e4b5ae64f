import { Alert, App, Button, Card, Checkbox, Form, Input, InputNumber, Radio, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { issuesToDetails, validateDecision } from '../../../../functions/core/decisions.ts';
import { DomainError } from '../../../../functions/core/errors.ts';
import { catalogueOf, type HumanStage } from '../../../../functions/core/procedure.ts';
import { decisionBodySchema, requiredTextByStage } from '../../../../schemas/decision.ts';
import { type Procedure, RISK_TYPES } from '../../../../schemas/domain.ts';
import { ApiError } from '../../api/client.ts';
import { api } from '../../api/endpoints.ts';
import type { DecisionKind, TaskView } from '../../api/types.ts';
import { asConfirmations, ErrorAlert, fieldErrors } from '../../errors.tsx';
import { useFeedback } from '../../feedback.ts';
import { CheckboxGroupField, DateField } from '../../fields.tsx';

interface Values {
  decision?: DecisionKind;
  comment?: string;
  reason?: string;
  missing?: string[];
  to?: string;
  details?: {
    meetingDate?: Dayjs;
    attendees?: number;
    votesFor?: number;
    votesAgainst?: number;
    visitDate?: Dayjs;
    verifiers?: string[];
    verifiedIncomePerCapita?: number;
    confirmedRiskTypes?: string[];
    evidenceConfirmed?: boolean;
    findings?: string;
  };
}

/** Decisions that conclude a stage on its merits carry the stage's record (meeting, home visit). */
const WITH_DETAILS: readonly DecisionKind[] = ['approve', 'reject'];
const CONFIRM: readonly DecisionKind[] = ['reject', 'send_back'];

/** What the home visit records besides its date, verifiers, income and findings, by procedure. */
const visitRecord = (procedure: Procedure, x: NonNullable<Values['details']>) =>
  procedure === 'risk_elimination'
    ? { evidenceConfirmed: x.evidenceConfirmed ?? false }
    : { confirmedRiskTypes: x.confirmedRiskTypes ?? [] };

/** The body as the API takes it: only the fields the chosen decision uses, dates as YYYY-MM-DD. */
function bodyOf(procedure: Procedure, stage: HumanStage, v: Values): Record<string, unknown> {
  const d = v.decision;
  const texts = requiredTextByStage[stage]?.[d as DecisionKind] ?? [];
  const body: Record<string, unknown> = { decision: d, comment: v.comment ?? '' };
  if (d === 'reject' || d === 'send_back' || texts.includes('reason')) body.reason = v.reason;
  if (d === 'return') body.missing = v.missing;
  if (d === 'send_back') body.to = v.to;
  if (d && WITH_DETAILS.includes(d) && (stage === 'village_review' || stage === 'township_verification')) {
    const x = v.details ?? {};
    body.details =
      stage === 'village_review'
        ? {
            meetingDate: x.meetingDate?.format('YYYY-MM-DD'),
            attendees: x.attendees,
            votesFor: x.votesFor,
            votesAgainst: x.votesAgainst,
          }
        : {
            visitDate: x.visitDate?.format('YYYY-MM-DD'),
            verifiers: x.verifiers ?? [],
            verifiedIncomePerCapita: x.verifiedIncomePerCapita,
            ...visitRecord(procedure, x),
            findings: x.findings,
          };
  }
  return body;
}

/**
 * The decision form of the task's stage in its procedure's catalogue: exactly the decisions the stage allows and
 * the details each needs (a proposal's home visit confirms its evidence where an application's confirms the risk
 * types), checked in the browser by the same rules the API applies (zod schema, then the stage's rules), and a
 * confirmation before a rejection or a send-back.
 */
export function DecisionForm({
  task,
  procedure,
  onDecided,
}: {
  task: TaskView;
  procedure: Procedure;
  onDecided: () => void;
}) {
  const { t } = useTranslation();
  const { modal } = App.useApp();
  const feedback = useFeedback();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const stage = task.stage as HumanStage;
  const catalogue = catalogueOf(procedure);
  const spec = catalogue.stages[stage];
  const decision = Form.useWatch('decision', form);
  const texts = decision ? (requiredTextByStage[stage]?.[decision] ?? []) : [];
  const needsReason = decision === 'reject' || decision === 'send_back' || texts.includes('reason');
  const withDetails = !!decision && WITH_DETAILS.includes(decision);

  /** The same checks the API makes, in its order; each problem is shown at its field. */
  const problems = (body: Record<string, unknown>) => {
    const parsed = decisionBodySchema.safeParse(body);
    if (!parsed.success) return issuesToDetails(parsed.error.issues);
    try {
      validateDecision(stage, parsed.data, undefined, catalogue);
      return [];
    } catch (e) {
      if (e instanceof DomainError) return asConfirmations(e.details, ['evidenceConfirmed']);
      throw e;
    }
  };

  const send = async (body: Record<string, unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await api.decide(task.taskId, body);
      feedback.success(t('decisionForm.done', { decision: t(`decision.${String(body.decision)}`) }));
      onDecided();
    } catch (e) {
      if (e instanceof ApiError && e.details.length) form.setFields(fieldErrors(t, e.details));
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const submit = async () => {
    const values = form.getFieldsValue(true) as Values;
    const body = bodyOf(procedure, stage, values);
    const found = problems(body);
    if (found.length) {
      form.setFields(fieldErrors(t, found));
      return;
    }
    if (values.decision && CONFIRM.includes(values.decision)) {
      modal.confirm({
        title: t('decisionForm.confirmTitle', { decision: t(`decision.${values.decision}`) }),
        content: t('decisionForm.confirmText'),
        okText: t('common.confirm'),
        cancelText: t('common.cancel'),
        onOk: () => send(body),
      });
      return;
    }
    await send(body);
  };

  return (
    <Card title={t('decisionForm.title', { stage: t(`stage.${stage}`) })} size="small">
      {task.status === 'open' ? (
        <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('decisionForm.claimsOnSubmit')} />
      ) : null}
      <Form form={form} layout="vertical" onFinish={submit} onValuesChange={() => setError(undefined)}>
        <Form.Item name="decision" label={t('decisionForm.decision')} required>
          <Radio.Group
            options={spec.decisions.map((d) => ({ value: d, label: t(`decision.${d}`) }))}
            optionType="button"
          />
        </Form.Item>
        {needsReason ? (
          <Form.Item name="reason" label={t('decisionForm.reason')} required>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        ) : null}
        {decision === 'return' ? (
          <Form.Item
            name="missing"
            label={t('decisionForm.missing')}
            required
            extra={t('decisionForm.missingHint')}
          >
            <Select mode="tags" open={false} suffixIcon={null} aria-label={t('decisionForm.missing')} />
          </Form.Item>
        ) : null}
        {decision === 'send_back' ? (
          <Form.Item name="to" label={t('decisionForm.to')} required>
            <Select options={spec.sendBackTo.map((s) => ({ value: s, label: t(`stage.${s}`) }))} />
          </Form.Item>
        ) : null}
        {withDetails && stage === 'village_review' ? (
          <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
            <legend style={{ fontSize: 14, fontWeight: 600 }}>{t('decisionForm.meeting')}</legend>
            <Form.Item name={['details', 'meetingDate']} label={t('decisionForm.meetingDate')} required>
              <DateField format="YYYY-MM-DD" />
            </Form.Item>
            <div style={{ display: 'flex', gap: 16 }}>
              <Form.Item name={['details', 'attendees']} label={t('decisionForm.attendees')} required>
                <InputNumber min={1} precision={0} />
              </Form.Item>
              <Form.Item name={['details', 'votesFor']} label={t('decisionForm.votesFor')} required>
                <InputNumber min={0} precision={0} />
              </Form.Item>
              <Form.Item name={['details', 'votesAgainst']} label={t('decisionForm.votesAgainst')} required>
                <InputNumber min={0} precision={0} />
              </Form.Item>
            </div>
          </fieldset>
        ) : null}
        {withDetails && stage === 'township_verification' ? (
          <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
            <legend style={{ fontSize: 14, fontWeight: 600 }}>{t('decisionForm.visit')}</legend>
            <Form.Item name={['details', 'visitDate']} label={t('decisionForm.visitDate')} required>
              <DateField format="YYYY-MM-DD" />
            </Form.Item>
            <Form.Item
              name={['details', 'verifiers']}
              label={t('decisionForm.verifiers')}
              required
              extra={t('decisionForm.verifiersHint')}
            >
              <Select mode="tags" open={false} suffixIcon={null} aria-label={t('decisionForm.verifiers')} />
            </Form.Item>
            <Form.Item
              name={['details', 'verifiedIncomePerCapita']}
              label={t('decisionForm.verifiedIncome')}
              required
            >
              <InputNumber min={0} suffix={t('household.yuan')} />
            </Form.Item>
            {procedure === 'risk_elimination' ? (
              <Form.Item name={['details', 'evidenceConfirmed']} valuePropName="checked" required>
                <Checkbox>{t('decisionForm.evidenceConfirmed')}</Checkbox>
              </Form.Item>
            ) : (
              <Form.Item
                name={['details', 'confirmedRiskTypes']}
                label={t('decisionForm.confirmedRisks')}
                required
              >
                <CheckboxGroupField
                  options={RISK_TYPES.map((r) => ({ value: r, label: t(`riskType.${r}`) }))}
                />
              </Form.Item>
            )}
            <Form.Item name={['details', 'findings']} label={t('decisionForm.findings')} required>
              <Input.TextArea rows={3} maxLength={4000} />
            </Form.Item>
          </fieldset>
        ) : null}
        <Form.Item name="comment" label={t('decisionForm.comment')} required={texts.includes('comment')}>
          <Input.TextArea rows={2} maxLength={4000} />
        </Form.Item>
        {error ? (
          <div style={{ marginBottom: 12 }}>
            <ErrorAlert error={error} />
          </div>
        ) : null}
        <Button type="primary" htmlType="submit" loading={busy} disabled={!decision}>
          {t('decisionForm.submit')}
        </Button>
      </Form>
    </Card>
  );
}
