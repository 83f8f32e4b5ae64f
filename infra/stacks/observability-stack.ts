import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Operations, type OperationsProps } from '../constructs/operations.ts';

/** Alarms over every function, state machine, the API and the table, a topic operators subscribe to, a dashboard. */
export class ObservabilityStack extends Stack {
  readonly operations: Operations;

  constructor(scope: Construct, id: string, props: StackProps & OperationsProps) {
    super(scope, id, props);
    this.operations = new Operations(this, 'Operations', props);
  }
}
