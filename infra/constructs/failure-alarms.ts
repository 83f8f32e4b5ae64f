import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface FailureAlarmsProps {
  /** Functions alarmed on any error, by a readable name used in the alarm name. */
  functions: Readonly<Record<string, lambda.IFunction>>;
  /** State machines alarmed on any failed execution (a case marked ERROR ends as a failed execution). */
  stateMachines: Readonly<Record<string, sfn.IStateMachine>>;
}

/**
 * One alarm per function (Errors) and per state machine (ExecutionsFailed), all notifying one topic that
 * operators subscribe to. A single failure alarms: a failed step means a case now sits in ERROR.
 */
export class FailureAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: FailureAlarmsProps) {
    super(scope, id);
    // Alarm notifications carry resource names, never case data, so the topic needs no KMS key.
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Assistance approvals: failures',
      enforceSSL: true,
    });
    const alarm = (name: string, metric: cloudwatch.Metric, description: string) => {
      const a = new cloudwatch.Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new actions.SnsAction(this.topic));
      this.alarms.push(a);
    };
    const period = Duration.minutes(5);
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}Errors`, fn.metricErrors({ period, statistic: 'Sum' }), `${name} threw an error`);
    }
    for (const [name, sm] of Object.entries(props.stateMachines)) {
      alarm(
        `${name}ExecutionsFailed`,
        sm.metricFailed({ period, statistic: 'Sum' }),
        `${name} execution failed: a case is in ERROR`,
      );
    }
  }
}
