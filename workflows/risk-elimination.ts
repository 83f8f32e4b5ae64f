import type { Construct } from 'constructs';
import { RISK_ELIMINATION } from '../functions/core/procedure.ts';
import { ProcedureWorkflow, type ProcedureWorkflowProps } from './procedure-workflow.ts';

/**
 * The risk-elimination procedure (风险消除): a proposal for an enrolled household goes through village review →
 * township verification → county approval → publicity → risk_eliminated, built from core's RISK_ELIMINATION
 * catalogue by the shared ProcedureWorkflow.
 */
export class RiskEliminationWorkflow extends ProcedureWorkflow {
  constructor(scope: Construct, id: string, props: ProcedureWorkflowProps) {
    super(scope, id, RISK_ELIMINATION, props);
  }
}
