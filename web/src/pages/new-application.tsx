import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Radio,
  Result,
  Row,
  Select,
  Space,
  Switch,
  Typography,
} from 'antd';
import type { Rule } from 'antd/es/form';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { issuesToDetails } from '../../../functions/core/decisions.ts';
import { applicationSchema } from '../../../schemas/application.ts';
import { residentIdSchema } from '../../../schemas/common.ts';
import { CATEGORIES, RISK_TYPES, SOURCES } from '../../../schemas/domain.ts';
import { ApiError } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import type { CaseView, Household } from '../api/types.ts';
import { useUser } from '../auth/session.tsx';
import { ErrorAlert, fieldErrors, ruleMessage } from '../errors.tsx';
import { CheckboxGroupField } from '../fields.tsx';
import { HouseholdPanel } from './case/household.tsx';

/** Live GB 11643 check of an ID number by the API's own schema, with its rule's message. */
const idRule = (t: TFunction): Rule => ({
  validator: async (_, value: unknown) => {
    if (value === undefined || value === '') return;
    const parsed = residentIdSchema.safeParse(String(value).toUpperCase());
    if (!parsed.success) {
      const [detail] = issuesToDetails(parsed.error.issues);
      throw new Error(detail ? ruleMessage(t, detail) : t('rule.resident_id_format'));
    }
  },
});

interface MemberValues {
  name?: string;
  idNumber?: string;
  relation?: string;
  health?: string;
  disability?: string;
  schooling?: string;
  ableToWork?: boolean;
}

/** The form mirrors the body, so every detail the API names lands on its field. */
interface Values {
  household: {
    head?: { name?: string; idNumber?: string; phone?: string };
    members: MemberValues[];
    villageCode?: string;
    address?: string;
    annualNetIncomePerCapita?: number;
    category?: string;
    riskTypes?: string[];
    narrative?: string;
    justification?: string;
    source?: string;
  };
}

const member = (m: MemberValues) => ({
  name: m.name ?? '',
  idNumber: (m.idNumber ?? '').toUpperCase(),
  relation: m.relation ?? '',
  health: m.health ?? '',
  disability: m.disability ?? '',
  schooling: m.schooling ?? '',
  ableToWork: m.ableToWork ?? false,
});

/** The application body: the head is listed first among the members (relation `self`), as the 户口簿 lists them. */
function applicationOf(v: Values) {
  const h = v.household;
  const [headMember = {}, ...others] = h.members ?? [];
  return {
    procedure: 'identification' as const,
    household: {
      head: {
        name: h.head?.name ?? '',
        idNumber: (h.head?.idNumber ?? '').toUpperCase(),
        phone: h.head?.phone ?? '',
      },
      members: [
        member({ ...headMember, name: h.head?.name, idNumber: h.head?.idNumber, relation: 'self' }),
        ...others.map(member),
      ],
      villageCode: h.villageCode ?? '',
      address: h.address ?? '',
      annualNetIncomePerCapita: h.annualNetIncomePerCapita ?? -1,
      category: h.category,
      riskTypes: h.riskTypes ?? [],
      narrative: h.narrative ?? '',
      ...(h.justification?.trim() ? { justification: h.justification } : {}),
      source: h.source,
    },
  };
}

/** A new identification application, filed by the household or by a village cadre for it. */
export default function NewApplicationPage() {
  const { t } = useTranslation();
  const user = useUser();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [filed, setFiled] = useState<CaseView>();

  const submit = async () => {
    setError(undefined);
    const body = applicationOf(form.getFieldsValue(true) as Values);
    const parsed = applicationSchema.safeParse(body);
    if (!parsed.success) {
      form.setFields(fieldErrors(t, issuesToDetails(parsed.error.issues)));
      setError(
        new ApiError(400, 'invalid_input', t('newCase.fixFields'), issuesToDetails(parsed.error.issues)),
      );
      return;
    }
    setBusy(true);
    try {
      setFiled(await api.fileCase(parsed.data));
    } catch (e) {
      if (e instanceof ApiError && e.details.length) form.setFields(fieldErrors(t, e.details));
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  if (filed) {
    return (
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Result
          status="success"
          title={t('newCase.filed')}
          subTitle={t('newCase.filedText', { caseId: filed.caseId })}
          extra={[
            <Link key="open" to={`/cases/${encodeURIComponent(filed.caseId)}`}>
              {t('newCase.openCase')}
            </Link>,
          ]}
        />
        <Card size="small" title={t('newCase.whatWasSent')}>
          <HouseholdPanel
            household={filed.household as Partial<Household>}
            aboveLine={filed.aboveMonitoringLine}
          />
        </Card>
      </Space>
    );
  }

  const memberFields = (name: (string | number)[], prefix = '') => (
    <>
      <Form.Item name={[...name, 'health']} label={`${prefix}${t('household.health')}`}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name={[...name, 'disability']} label={`${prefix}${t('household.disability')}`}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name={[...name, 'schooling']} label={`${prefix}${t('household.schooling')}`}>
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item
        name={[...name, 'ableToWork']}
        label={`${prefix}${t('household.ableToWork')}`}
        valuePropName="checked"
      >
        <Switch />
      </Form.Item>
    </>
  );

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
        {t('menu.newCase')}
      </Typography.Title>
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{
          household: {
            members: [{ ableToWork: true }],
            villageCode: user.jurisdiction.length === 12 ? user.jurisdiction : undefined,
            riskTypes: [],
            source: user.role === 'applicant' ? 'self_declared' : 'cadre_screening',
          },
        }}
      >
        <Card size="small" title={t('newCase.head')}>
          <Row gutter={16}>
            <Col span={6}>
              <Form.Item name={['household', 'head', 'name']} label={t('household.name')} required>
                <Input maxLength={50} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item
                name={['household', 'head', 'idNumber']}
                label={t('household.idNumber')}
                required
                rules={[idRule(t)]}
                validateFirst
              >
                <Input maxLength={18} autoComplete="off" />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name={['household', 'head', 'phone']} label={t('household.phone')} required>
                <Input maxLength={20} />
              </Form.Item>
            </Col>
          </Row>
          <Typography.Paragraph type="secondary">{t('newCase.headIsMember')}</Typography.Paragraph>
          <div style={{ display: 'flex', gap: 16 }}>
            {memberFields(['household', 'members', 0], t('newCase.headPrefix'))}
          </div>
        </Card>
        <Card size="small" title={t('newCase.members')} style={{ marginTop: 16 }}>
          <Form.List name={['household', 'members']}>
            {(fields, { add, remove }) => (
              <>
                {fields
                  .filter((f) => f.name !== 0)
                  .map((f, i) => (
                    <fieldset
                      key={f.key}
                      style={{ border: '1px dashed #d9d9d9', padding: 12, marginBottom: 12 }}
                    >
                      <legend style={{ fontSize: 14 }}>{t('newCase.memberN', { n: i + 1 })}</legend>
                      <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
                        <Form.Item name={[f.name, 'name']} label={t('household.name')} required>
                          <Input maxLength={50} />
                        </Form.Item>
                        <Form.Item
                          name={[f.name, 'idNumber']}
                          label={t('household.idNumber')}
                          required
                          rules={[idRule(t)]}
                        >
                          <Input maxLength={18} autoComplete="off" style={{ width: 200 }} />
                        </Form.Item>
                        <Form.Item name={[f.name, 'relation']} label={t('household.relation')} required>
                          <Input maxLength={20} style={{ width: 100 }} />
                        </Form.Item>
                        {memberFields([f.name])}
                        <Button
                          icon={<MinusCircleOutlined />}
                          onClick={() => remove(f.name)}
                          aria-label={t('newCase.removeMember', { n: i + 1 })}
                        />
                      </div>
                    </fieldset>
                  ))}
                <Button icon={<PlusOutlined />} onClick={() => add({ ableToWork: true })}>
                  {t('newCase.addMember')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>
        <Card size="small" title={t('newCase.situation')} style={{ marginTop: 16 }}>
          <Row gutter={16}>
            <Col span={6}>
              <Form.Item name={['household', 'villageCode']} label={t('newCase.villageCode')} required>
                <Input maxLength={12} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name={['household', 'address']} label={t('household.address')} required>
                <Input maxLength={200} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item
                name={['household', 'annualNetIncomePerCapita']}
                label={t('household.income')}
                required
              >
                <InputNumber min={0} style={{ width: '100%' }} suffix={t('household.yuan')} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name={['household', 'category']} label={t('household.category')} required>
            <Radio.Group options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))} />
          </Form.Item>
          <Form.Item name={['household', 'riskTypes']} label={t('household.riskTypes')} required>
            <CheckboxGroupField options={RISK_TYPES.map((r) => ({ value: r, label: t(`riskType.${r}`) }))} />
          </Form.Item>
          <Form.Item name={['household', 'source']} label={t('household.source')} required>
            {/* a household files for itself; a screening or an alert is the village cadre's (core/access.ts) */}
            <Select
              style={{ width: 200 }}
              disabled={user.role === 'applicant'}
              options={SOURCES.filter((s) => user.role !== 'applicant' || s === 'self_declared').map((s) => ({
                value: s,
                label: t(`source.${s}`),
              }))}
            />
          </Form.Item>
          <Form.Item name={['household', 'narrative']} label={t('household.narrative')} required>
            <Input.TextArea rows={4} maxLength={4000} />
          </Form.Item>
          <Form.Item
            name={['household', 'justification']}
            label={t('household.justification')}
            extra={t('household.justificationHint')}
          >
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        </Card>
        {error ? (
          <div style={{ marginTop: 16 }}>
            <ErrorAlert error={error} />
          </div>
        ) : null}
        <Button type="primary" htmlType="submit" loading={busy} style={{ marginTop: 16 }}>
          {t('newCase.submit')}
        </Button>
      </Form>
    </Space>
  );
}
