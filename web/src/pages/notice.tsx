import { Button, Space, Spin, Typography } from 'antd';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../api/endpoints.ts';
import { ErrorAlert } from '../errors.tsx';
import { useLoad } from '../hooks.ts';

/**
 * The publicity notice (公示) as the API renders it — no ID numbers, phones or health details — on an A4 sheet,
 * printable. The page runs no script of its own: it sits in a sandboxed frame.
 */
const A4 = '@page { size: A4; margin: 20mm }';

export default function NoticePage() {
  const { t } = useTranslation();
  const { caseId = '' } = useParams();
  const frame = useRef<HTMLIFrameElement>(null);
  const { data, error, loading } = useLoad(() => api.notice(caseId), [caseId]);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space>
        <Link to={`/cases/${encodeURIComponent(caseId)}`}>{t('common.back')}</Link>
        <Button type="primary" disabled={!data} onClick={() => frame.current?.contentWindow?.print()}>
          {t('notice.print')}
        </Button>
      </Space>
      <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
        {t('notice.title')}
      </Typography.Title>
      <ErrorAlert error={error} />
      {loading ? <Spin description={t('common.loading')} /> : null}
      {data ? (
        <iframe
          ref={frame}
          title={t('notice.title')}
          sandbox="allow-modals allow-same-origin"
          srcDoc={data.replace(/<head>/i, `<head><style>${A4}</style>`)}
          style={{ width: '210mm', height: '297mm', border: '1px solid #d9d9d9', background: '#fff' }}
        />
      ) : null}
    </Space>
  );
}
