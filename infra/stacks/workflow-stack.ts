import { Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { STEP_ENTRIES, type StepName } from '../../functions/steps/entries.ts';
import { IdentificationWorkflow } from '../../workflows/identification.ts';
import { ProjectFunction } from '../constructs/project-function.ts';

export interface WorkflowStackProps extends StackProps {
  /** The record table; every step writes the case state and its audit record there. */
  table: ITable;
}

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** The step Lambdas (one per STEP_ENTRIES entry) and the identification state machine that invokes them. */
export class WorkflowStack extends Stack {
  readonly steps: Readonly<Record<StepName, ProjectFunction>>;
  readonly identification: StateMachine;

  constructor(scope: Construct, id: string, props: WorkflowStackProps) {
    super(scope, id, props);
    const steps = {} as Record<StepName, ProjectFunction>;
    const fns = {} as Record<StepName, lambda.IFunction>;
    for (const [name, entry] of Object.entries(STEP_ENTRIES) as [StepName, string][]) {
      steps[name] = new ProjectFunction(this, pascal(name), {
        entry,
        kind: 'step',
        description: `Identification workflow step: ${name}`,
      }).bindTable(props.table, 'RW');
      fns[name] = steps[name].fn;
    }
    // A resumed case may find its decision already stored: the step then completes its own token.
    steps.awaitDecision.allowTaskResults();
    this.steps = steps;

    this.identification = new IdentificationWorkflow(this, 'Identification', { steps: fns }).stateMachine;
  }
}
