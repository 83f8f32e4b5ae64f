import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { FailureAlarms, type FailureAlarmsProps } from '../constructs/failure-alarms.ts';

/** Alarms over every function and state machine of the app, in one place operators subscribe to. */
export class ObservabilityStack extends Stack {
  readonly alarms: FailureAlarms;

  constructor(scope: Construct, id: string, props: StackProps & FailureAlarmsProps) {
    super(scope, id, props);
    this.alarms = new FailureAlarms(this, 'Failures', props);
  }
}
