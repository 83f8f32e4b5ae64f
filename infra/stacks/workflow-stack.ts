import { ArnFormat, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { STEP_ENTRIES, type StepName } from '../../functions/steps/entries.ts';
import { IdentificationWorkflow } from '../../workflows/identification.ts';
import { ProjectFunction, type TableAction } from '../constructs/project-function.ts';
import { settingsOf } from '../settings.ts';

export interface WorkflowStackProps extends StackProps {
  /** The record table; every step writes the case state and its audit record there. */
  table: ITable;
}

/** What each step's handler module calls; test/infra/iam.test.ts checks it against what the test run saw. */
interface StepNeeds {
  table: readonly TableAction[];
  /** Completes its own callback token (a decision or supplement that arrived before the token was bound). */
  completesTasks?: boolean;
}
/** A case step: read the case (and task, policy, calendar), then one transaction of puts and updates. */
const CASE_STEP: readonly TableAction[] = ['GetItem', 'PutItem', 'UpdateItem'];
export const STEP_NEEDS: Readonly<Record<StepName, StepNeeds>> = {
  openStage: { table: CASE_STEP },
  awaitDecision: { table: ['GetItem', 'UpdateItem'], completesTasks: true },
  escalate: { table: CASE_STEP },
  awaitSupplement: { table: ['GetItem', 'UpdateItem'], completesTasks: true },
  // Withdrawing releases the household's one-open-case guards.
  withdrawUnsupplemented: { table: [...CASE_STEP, 'DeleteItem'] },
  startPublicity: { table: CASE_STEP },
  // Looks for open objections.
  closePublicity: { table: [...CASE_STEP, 'Query'] },
  markError: { table: CASE_STEP },
};

/** The identification state machine's name: its ARN is then known before it exists (no dependency cycle). */
export const IDENTIFICATION_STATE_MACHINE = 'AssistanceApprovals-Identification';

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** The step Lambdas (one per STEP_ENTRIES entry) and the identification state machine that invokes them. */
export class WorkflowStack extends Stack {
  readonly steps: Readonly<Record<StepName, ProjectFunction>>;
  readonly identification: StateMachine;

  constructor(scope: Construct, id: string, props: WorkflowStackProps) {
    super(scope, id, props);
    const identificationArn = this.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: IDENTIFICATION_STATE_MACHINE,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const steps = {} as Record<StepName, ProjectFunction>;
    const fns = {} as Record<StepName, lambda.IFunction>;
    for (const [name, entry] of Object.entries(STEP_ENTRIES) as [StepName, string][]) {
      const needs = STEP_NEEDS[name];
      steps[name] = new ProjectFunction(this, pascal(name), {
        entry,
        kind: 'step',
        description: `Identification workflow step: ${name}`,
      }).bindTable(props.table, needs.table);
      if (needs.completesTasks) steps[name].allowTaskSuccess(identificationArn);
      fns[name] = steps[name].fn;
    }
    this.steps = steps;

    this.identification = new IdentificationWorkflow(this, 'Identification', {
      steps: fns,
      stateMachineName: IDENTIFICATION_STATE_MACHINE,
      tracing: settingsOf(this).tracing,
    }).stateMachine;
  }
}
