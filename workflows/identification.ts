import type { Construct } from 'constructs';
import { IDENTIFICATION } from '../functions/core/procedure.ts';
import { ProcedureWorkflow, type ProcedureWorkflowProps } from './procedure-workflow.ts';

/**
 * The identification procedure (识别纳入): village review → township verification → county approval → publicity
 * → enrolled, built from core's IDENTIFICATION catalogue by the shared ProcedureWorkflow.
 */
export class IdentificationWorkflow extends ProcedureWorkflow {
  constructor(scope: Construct, id: string, props: ProcedureWorkflowProps) {
    super(scope, id, IDENTIFICATION, props);
  }
}
