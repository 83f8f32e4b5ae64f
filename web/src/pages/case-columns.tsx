import type { TFunction } from 'i18next';
import { Link } from 'react-router';

/** Columns the cases list and the inbox share: a row of either names its case, head and village. */
interface CaseRow {
  caseId: string;
  villageCode?: string;
  stage?: string;
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

export const stageColumn = (t: TFunction) => ({
  title: t('inbox.stage'),
  dataIndex: 'stage',
  render: (s: string) => t(`stage.${s}`),
});
