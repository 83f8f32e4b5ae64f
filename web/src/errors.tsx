import { Alert } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api/client.ts';

/** A field's message: the rule's translation when the console has one, else the API's own message. */
export function ruleMessage(t: TFunction, d: { rule: string; message?: string }): string {
  return t(`rule.${d.rule}`, { defaultValue: d.message ?? d.rule });
}

/** What the user reads for a failed call: the code's sentence and the API's message, never a stack trace. */
export function errorText(t: TFunction, error: unknown): string {
  if (!(error instanceof ApiError)) return t('error.internal');
  const title = t(`error.${error.code}`, { defaultValue: t('error.internal') });
  return error.code === 'network' ? title : `${title}：${error.message}`;
}

/** An error banner listing each bad field the API named. */
export function ErrorAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const details = error instanceof ApiError ? error.details : [];
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={errorText(t, error)}
      description={
        details.length ? (
          <ul style={{ margin: 0, paddingLeft: 20 }}>
            {details.map((d) => (
              <li key={`${d.path}:${d.rule}`}>
                {d.path}：{ruleMessage(t, d)}
              </li>
            ))}
          </ul>
        ) : undefined
      }
    />
  );
}
