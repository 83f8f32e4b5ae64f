import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { JOB_ENTRIES } from '../../functions/jobs/entries.ts';
import { SAMPLES_PREFIX } from '../../functions/store/keys.ts';
import { ProjectFunction, type TableAction } from './project-function.ts';

/** How a stored-samples write is sent: each township's item batched, then the marker put. */
export const SAMPLES_WRITES: readonly TableAction[] = ['BatchWriteItem', 'PutItem'];
/** The job reads the samples markers and the timing partitions; it writes only under SAMPLES#. */
export const SAMPLES_JOB_READS: readonly TableAction[] = ['GetItem', 'Query'];
/** How often the job runs: the open month's samples are at most this much (and a quarter hour) behind. */
export const SAMPLES_JOB_RATE = 'rate(1 hour)';

export interface TimingSamplesJobProps {
  table: ITable;
  /** the 6-digit county codes whose samples the job stores (each county is one Query per partition) */
  counties: readonly string[];
}

/**
 * The timing-samples job: a function (functions/jobs/store-timing-samples.ts) that stores the samples of every
 * timing partition of the last two years, and the EventBridge Scheduler schedule that runs it hourly for the
 * deployment's counties. The local runtime runs the same schedule (local/scheduler.ts). Its role reads the table
 * and writes stored-samples items only (IAM `dynamodb:LeadingKeys`).
 */
export class TimingSamplesJob extends Construct {
  readonly handler: ProjectFunction;
  readonly schedule: CfnSchedule;

  constructor(scope: Construct, id: string, props: TimingSamplesJobProps) {
    super(scope, id);
    this.handler = new ProjectFunction(this, 'Handler', {
      entry: JOB_ENTRIES.storeTimingSamples,
      kind: 'operation',
      description: 'Stores the timing samples the stage-timing reports read (hourly)',
    })
      .bindTable(props.table, SAMPLES_JOB_READS)
      .allowWritesUnder(props.table, SAMPLES_PREFIX, SAMPLES_WRITES)
      .allowEncryptedWrites(props.table);
    // The scheduler's own role: it may invoke this function (its unqualified ARN) and nothing else.
    const role = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: 'EventBridge Scheduler: runs the timing-samples job',
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.handler.fn.functionArn],
      }),
    );
    this.schedule = new CfnSchedule(this, 'Schedule', {
      description: 'Stores the timing samples of the stage-timing reports',
      scheduleExpression: SAMPLES_JOB_RATE,
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: this.handler.fn.functionArn,
        roleArn: role.roleArn,
        input: JSON.stringify({ counties: props.counties }),
        // a run makes up for the one before: a missed run needs no retry beyond a few transient ones
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 1800 },
      },
    });
  }
}
