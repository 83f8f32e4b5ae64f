import type { TFunction } from 'i18next';
import { Link } from 'react-router';
import type { Procedure } from '../../../schemas/domain.ts';
import { ProcedureTag } from './procedure.tsx';

/** Columns the cases list and the inbox share: a row of either names its case, head, village and procedure. */
interface CaseRow {
  caseId: string;
  villageCode?: string;
  stage?: string;
  procedure?: Procedure;
}

/** The household head's name, linking to the case (the case id when the name is not known). */
export const headColumn = <T extends CaseRow>(t: TFunction, head: (row: T) => string | undefined) => ({
  title: t('inbox.head'),
  key: 'head',
  render: (_: unknown, row: T) => (
    <Link to={`/cases/${encodeURIComponent(row.caseId)}`}>{head(row) ?? row.caseId}</Link>
  ),
});

export const villageColumn = (t: TFunction) => ({ title: t('inbox.village'), dataIndex: 'villageCode' });

/** The row's procedure as a tag (识别纳入 / 风险消除). */
export const procedureColumn = <T extends Pick<CaseRow, 'procedure'>>(t: TFunction) => ({
  title: t('procedures.label'),
  key: 'procedure',
  render: (_: unknown, row: T) => <ProcedureTag procedure={row.procedure} />,
});

export const stageColumn = (t: TFunction) => ({
  title: t('inbox.stage'),
  dataIndex: 'stage',
  render: (s: string) => t(`stage.${s}`),
});
