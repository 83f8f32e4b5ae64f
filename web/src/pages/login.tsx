import { Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { useSession } from '../auth/session.tsx';
import { ErrorAlert } from '../errors.tsx';
import { setLanguage } from '../i18n/index.ts';
import { HOME_BY_ROLE } from '../routes.tsx';

/** The local runtime's demo users (password `demo`); on AWS the identity provider's hosted login replaces this page. */
const DEMO_USERNAMES = ['applicant', 'village', 'township', 'county', 'auditor', 'admin'];

export default function LoginPage() {
  const { t, i18n } = useTranslation();
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ username: string; password: string }>();

  const submit = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      const user = await signIn(values.username, values.password);
      const from = params.get('from');
      navigate(from?.startsWith('/') ? from : HOME_BY_ROLE[user.role], { replace: true });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <main style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f2f5' }}>
      <Card style={{ width: 400 }}>
        <Typography.Title level={1} style={{ fontSize: 20, textAlign: 'center' }}>
          {t('app.title')}
        </Typography.Title>
        <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item
            name="username"
            label={t('login.username')}
            rules={[{ required: true, message: t('login.required', { field: t('login.username') }) }]}
          >
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('login.required', { field: t('login.password') }) }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {error ? (
            <div style={{ marginBottom: 16 }}>
              <ErrorAlert error={error} />
            </div>
          ) : null}
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('login.submit')}
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 4 }}>
          {t('login.demoHint')}
        </Typography.Paragraph>
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>
          {DEMO_USERNAMES.map((u) => (
            <Button
              key={u}
              size="small"
              onClick={() => form.setFieldsValue({ username: u, password: 'demo' })}
            >
              {u}
            </Button>
          ))}
        </div>
        <Button
          type="link"
          style={{ marginTop: 8, padding: 0 }}
          onClick={() => setLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')}
        >
          {t('session.language')}
        </Button>
      </Card>
    </main>
  );
}
