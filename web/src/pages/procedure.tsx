import { Select, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { PROCEDURES, type Procedure } from '../../../schemas/domain.ts';

const COLOURS: Readonly<Record<Procedure, string>> = {
  identification: 'geekblue',
  risk_elimination: 'purple',
};

/** A case's or task's procedure as a tag (识别纳入, 风险消除); a record stored before it kept one is identification's. */
export function ProcedureTag({ procedure = 'identification' }: { procedure?: Procedure }) {
  const { t } = useTranslation();
  return (
    <Tag color={COLOURS[procedure]} data-testid="procedure-tag">
      {t(`procedure.${procedure}`)}
    </Tag>
  );
}

type ProcedureSelectProps =
  /** a report answers one procedure at a time: always one chosen */
  | { required: true; value: Procedure; onChange: (procedure: Procedure) => void }
  /** a list may show both: none chosen (cleared) is every procedure */
  | { required?: false; value?: Procedure; onChange: (procedure: Procedure | undefined) => void };

/** The procedure filter of a list (the cases, the inbox) or of the reports, labelled 程序. */
export function ProcedureSelect(props: ProcedureSelectProps) {
  const { t } = useTranslation();
  return (
    <Select<Procedure>
      aria-label={t('procedures.label')}
      allowClear={!props.required}
      style={{ width: 160 }}
      placeholder={props.required ? undefined : t('procedures.all')}
      value={props.value}
      onChange={(procedure) => props.onChange(procedure)}
      options={PROCEDURES.map((p) => ({ value: p, label: t(`procedure.${p}`) }))}
    />
  );
}
