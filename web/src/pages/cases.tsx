import { Result } from 'antd';
import { useTranslation } from 'react-i18next';

/** Placeholder until the page is built. */
export default function Page() {
  const { t } = useTranslation();
  return <Result status="info" title={t('common.comingSoon')} />;
}
