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
  return error.code === 'network' ? title : t('punct.labelled', { label: title, value: error.message });
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
                {t('punct.labelled', { label: d.path, value: ruleMessage(t, d) })}
              </li>
            ))}
          </ul>
        ) : undefined
      }
    />
  );
}

/** A detail's path as a form field name: `household.members[1].idNumber` → ['household', 'members', 1, 'idNumber']. */
export function fieldOf(path: string): (string | number)[] {
  return path
    .split(/[.[\]]/)
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** Field errors for antd's `form.setFields`, one per named field, messages as `ruleMessage` gives them. */
export function fieldErrors(
  t: TFunction,
  details: readonly { path: string; rule: string; message?: string }[],
) {
  const byField = new Map<string, { name: (string | number)[]; errors: string[] }>();
  for (const d of details) {
    const name = fieldOf(d.path);
    const key = name.join('.');
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(ruleMessage(t, d));
    byField.set(key, entry);
  }
  // antd types field names by the form's values; these come from the API's paths, which mirror them
  return [...byField.values()].map((f) => ({ name: f.name as never, errors: f.errors }));
}

/**
 * Details of the ticks a form asks for (a schema's `true` expected at `fields`), worded as what must be confirmed
 * rather than as a wrong value.
 */
export const asConfirmations = <D extends { path: string; rule: string }>(
  details: D[],
  fields: readonly string[],
) => details.map((d) => (fields.some((f) => d.path.endsWith(f)) ? { ...d, rule: 'must_confirm' } : d));
