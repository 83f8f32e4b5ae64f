import {
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  InputNumber,
  Result,
  Row,
  Space,
  Spin,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { issuesToDetails } from '../../../../functions/core/decisions.ts';
import type { ErrorDetail } from '../../../../functions/core/errors.ts';
import { MIN_STABLE_INCOME_MONTHS, proposalSchema } from '../../../../schemas/application.ts';
import { ApiError } from '../../api/client.ts';
import { api } from '../../api/endpoints.ts';
import type { CaseView, Evidence, Household, RiskEliminationCheck } from '../../api/types.ts';
import { asConfirmations, ErrorAlert, fieldErrors, ruleMessage } from '../../errors.tsx';
import { useLoad } from '../../hooks.ts';
import { schemaRule } from '../../schema-rule.ts';
import { EvidencePanel } from '../case/evidence.tsx';

/** The form mirrors the body, so every detail the API names (`evidence.stableIncomeMonths`) lands on its field. */
interface Values {
  evidence: Partial<Evidence>;
}

const CONFIRMATIONS = ['twoAssurancesThreeGuarantees', 'safeDrinkingWater'] as const;

const shown = (details: ErrorDetail[]) => asConfirmations(details, CONFIRMATIONS);

const proposalOf = (enrolledCaseId: string, v: Values) => ({
  procedure: 'risk_elimination' as const,
  enrolledCaseId,
  evidence: {
    incomePerCapita12m: v.evidence?.incomePerCapita12m ?? -1,
    stableIncomeMonths: v.evidence?.stableIncomeMonths ?? 0,
    twoAssurancesThreeGuarantees: v.evidence?.twoAssurancesThreeGuarantees ?? false,
    safeDrinkingWater: v.evidence?.safeDrinkingWater ?? false,
    narrative: v.evidence?.narrative ?? '',
  },
});

/** Why a proposal would be refused today, each rule in plain words; the months rule with the day it lifts. */
function EligibilityPanel({ check }: { check: RiskEliminationCheck }) {
  const { t } = useTranslation();
  if (check.eligible) {
    return <Alert type="success" showIcon title={t('proposal.eligible')} data-testid="eligibility" />;
  }
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="eligibility"
      title={t('proposal.notEligible')}
      description={
        <ul style={{ margin: 0, paddingLeft: 20 }}>
          {check.failures.map((f) => (
            <li key={f.rule} data-testid={`guard-${f.rule}`}>
              {f.rule === 'enrolled_months'
                ? t('punct.labelled', {
                    label: ruleMessage(t, f),
                    value: t('proposal.eligibleFrom', { date: check.eligibleFrom }),
                  })
                : ruleMessage(t, f)}
            </li>
          ))}
        </ul>
      }
    />
  );
}

/**
 * The risk-elimination proposal (风险消除) for an enrolled case, by its village cadre or the household: the rules it
 * would fail today are shown before anything is sent (and sending waits until none is left), the evidence is
 * checked as typed with the API's own schema, and what was filed is shown back with its new case.
 */
export default function ProposalPage() {
  const { t } = useTranslation();
  const { caseId = '' } = useParams();
  const [form] = Form.useForm<Values>();
  const enrolled = useLoad(() => api.getCase(caseId), [caseId]);
  const check = useLoad(() => api.riskEliminationCheck(caseId), [caseId]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [filed, setFiled] = useState<CaseView>();

  const body = () => proposalOf(caseId, form.getFieldsValue(true) as Values);
  const rule = (field: keyof Evidence) => [schemaRule(t, proposalSchema, body, ['evidence', field], shown)];

  const submit = async () => {
    setError(undefined);
    const parsed = proposalSchema.safeParse(body());
    if (!parsed.success) {
      form.setFields(fieldErrors(t, shown(issuesToDetails(parsed.error.issues))));
      return;
    }
    setBusy(true);
    try {
      setFiled(await api.fileCase(parsed.data));
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) form.setFields(fieldErrors(t, shown(e.details)));
      setError(e);
      // a refusal means the rules changed meanwhile (a measure cancelled, a proposal filed by a colleague)
      if (e instanceof ApiError && e.status === 409) void check.reload();
    } finally {
      setBusy(false);
    }
  };

  if (enrolled.error) return <ErrorAlert error={enrolled.error} />;
  const c = enrolled.data;
  if (!c) return <Spin description={t('common.loading')} spinning />;
  const head = (c.household as Partial<Household>).head?.name;
  const back = (
    <Link to={`/cases/${encodeURIComponent(caseId)}`} data-testid="enrolled-case-link">
      {t('proposal.enrolledCase', { caseId })}
    </Link>
  );

  if (filed) {
    return (
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Result
          status="success"
          title={t('proposal.filed')}
          subTitle={t('proposal.filedText', { caseId: filed.caseId })}
          extra={[
            <Link key="open" to={`/cases/${encodeURIComponent(filed.caseId)}`}>
              {t('proposal.openProposal')}
            </Link>,
            <span key="back">{back}</span>,
          ]}
        />
        <Card size="small" title={t('proposal.whatWasSent')}>
          <EvidencePanel evidence={(filed.evidence ?? {}) as Partial<Evidence>} />
        </Card>
      </Space>
    );
  }

  const eligible = check.data?.eligible === true;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
        {t('proposal.title', { head })}
      </Typography.Title>
      {back}
      <Card size="small" title={t('proposal.check')}>
        <ErrorAlert error={check.error} />
        {check.data ? <EligibilityPanel check={check.data} /> : <Spin spinning={check.loading} />}
      </Card>
      <Form<Values> form={form} layout="vertical" onFinish={submit}>
        <Card size="small" title={t('proposal.evidence')}>
          <Row gutter={16}>
            <Col span={8}>
              <Form.Item
                name={['evidence', 'incomePerCapita12m']}
                label={t('evidence.incomePerCapita12m')}
                required
                rules={rule('incomePerCapita12m')}
              >
                <InputNumber min={0} style={{ width: '100%' }} suffix={t('household.yuan')} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item
                name={['evidence', 'stableIncomeMonths']}
                label={t('evidence.stableIncomeMonths')}
                required
                rules={rule('stableIncomeMonths')}
                extra={t('proposal.stableMonthsHint', { min: MIN_STABLE_INCOME_MONTHS })}
              >
                <InputNumber precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          </Row>
          {CONFIRMATIONS.map((field) => (
            <Form.Item
              key={field}
              name={['evidence', field]}
              valuePropName="checked"
              required
              rules={rule(field)}
            >
              <Checkbox>{t(`evidence.${field}`)}</Checkbox>
            </Form.Item>
          ))}
          <Form.Item
            name={['evidence', 'narrative']}
            label={t('evidence.narrative')}
            required
            rules={rule('narrative')}
          >
            <Input.TextArea rows={4} maxLength={4000} />
          </Form.Item>
        </Card>
        {error ? (
          <div style={{ marginTop: 16 }}>
            <ErrorAlert error={error} />
          </div>
        ) : null}
        <Space style={{ marginTop: 16 }}>
          <Button type="primary" htmlType="submit" loading={busy} disabled={!eligible}>
            {t('proposal.submit')}
          </Button>
          {!eligible && check.data ? (
            <Typography.Text type="secondary">{t('proposal.submitWaits')}</Typography.Text>
          ) : null}
        </Space>
      </Form>
    </Space>
  );
}
