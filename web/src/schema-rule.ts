import type { Rule } from 'antd/es/form';
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import { issuesToDetails } from '../../functions/core/decisions.ts';
import type { ErrorDetail } from '../../functions/core/errors.ts';
import { fieldOf, ruleMessage } from './errors.tsx';

/**
 * An antd rule checking one field as it is typed with the API's own zod schema: the whole body is parsed (a rule
 * may read several fields) and the issues at `path` are the field's messages, with the rule's translation.
 */
export function schemaRule(
  t: TFunction,
  schema: z.ZodType,
  body: () => unknown,
  path: readonly (string | number)[],
  /** how the page words a detail (a rule it names more plainly) */
  present: (details: ErrorDetail[]) => ErrorDetail[] = (d) => d,
): Rule {
  const key = path.join('.');
  return {
    validator: async () => {
      const parsed = schema.safeParse(body());
      if (parsed.success) return;
      const mine = present(issuesToDetails(parsed.error.issues)).filter(
        (d) => fieldOf(d.path).join('.') === key,
      );
      if (mine.length) throw new Error(mine.map((d) => ruleMessage(t, d)).join(t('punct.clauseSep')));
    },
  };
}
