import { CfnCondition, CfnParameter, Duration, Fn, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type ITable, Operation } from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE } from '../../functions/commons/observability.ts';

export interface OperationsProps {
  /** Functions alarmed on errors and throttles, by a readable name used in the alarm name. */
  functions: Readonly<Record<string, lambda.IFunction>>;
  /** State machines alarmed on failed, timed-out and aborted executions. */
  stateMachines: Readonly<Record<string, sfn.IStateMachine>>;
  /** The HTTP API: 5xx and latency. */
  api: apigw.IHttpApi;
  /** The record table: throttled requests. */
  table: ITable;
}

/** Escalations in a day that mean a county's reviewers are falling behind, not one late task. */
export const ESCALATIONS_PER_DAY_ALARM = 20;
/** Aborted executions in an hour beyond what withdrawals during publicity explain: someone stopping executions. */
export const ABORTS_PER_HOUR_ALARM = 10;

const FIVE_MINUTES = Duration.minutes(5);
/** The operations this system sends (an alarm's math may sum at most 10 metrics). */
const TABLE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.QUERY,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.BATCH_WRITE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
];
const domainMetric = (metricName: string, period: Duration) =>
  new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: 'assistance-approvals' },
    statistic: 'Sum',
    period,
  });

/**
 * What operators watch: one SNS topic (subscribed from the deploy parameters: an e-mail address, or an HTTPS
 * endpoint such as a relay to a WeCom/DingTalk robot), alarms on every failure a county would otherwise find out
 * about from a complaint, and one dashboard. 4xx answers are the callers' (a refused rule, a bad field): they
 * are charted, never alarmed.
 */
export class Operations extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    // Alarm notifications carry resource names, never case data, so the topic needs no KMS key.
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Assistance approvals: alarms',
      enforceSSL: true,
    });
    this.subscribeFromParameters();

    const alarm = (
      name: string,
      metric: cloudwatch.IMetric,
      description: string,
      threshold = 1,
      evaluationPeriods = 1,
    ) => {
      const a = new cloudwatch.Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new actions.SnsAction(this.topic));
      this.alarms.push(a);
      return a;
    };
    const sum = { period: FIVE_MINUTES, statistic: 'Sum' };

    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}Errors`, fn.metricErrors(sum), `${name} threw an error`);
      alarm(`${name}Throttles`, fn.metricThrottles(sum), `${name} was throttled (concurrency limit)`);
    }
    for (const [name, sm] of Object.entries(props.stateMachines)) {
      alarm(`${name}ExecutionsFailed`, sm.metricFailed(sum), `${name} execution failed: a case is in ERROR`);
      alarm(
        `${name}ExecutionsTimedOut`,
        sm.metricTimedOut(sum),
        `${name} execution timed out: a case's workflow ended before the case did`,
      );
      alarm(
        `${name}ExecutionsAborted`,
        sm.metricAborted({ period: Duration.hours(1), statistic: 'Sum' }),
        `${name}: more executions stopped in an hour than withdrawals during publicity explain`,
        ABORTS_PER_HOUR_ALARM,
      );
    }
    alarm('Api5xx', props.api.metricServerError(sum), 'The HTTP API answered 5xx');
    alarm(
      'ApiLatency',
      props.api.metricLatency({ period: FIVE_MINUTES, statistic: 'p95' }),
      'HTTP API p95 latency above 3 s for 15 minutes',
      3000,
      3,
    );
    alarm(
      'TableThrottles',
      props.table.metricThrottledRequestsForOperations({
        period: FIVE_MINUTES,
        operations: TABLE_OPERATIONS,
      }),
      'DynamoDB throttled requests to the record table',
    );
    alarm(
      'CasesInError',
      domainMetric(METRIC.casesInError, FIVE_MINUTES),
      'A case was marked ERROR (its record holds the cause; admins see it in the stuck report)',
    );
    alarm(
      'OverdueTasks',
      domainMetric(METRIC.tasksEscalated, Duration.days(1)),
      `${ESCALATIONS_PER_DAY_ALARM} or more overdue tasks escalated in a day`,
      ESCALATIONS_PER_DAY_ALARM,
    );

    this.dashboard = this.buildDashboard(props, sum);
  }

  /** AlarmSubscriptionProtocol (email | https) and AlarmSubscriptionEndpoint: none while the endpoint is empty. */
  private subscribeFromParameters() {
    const stack = Stack.of(this);
    const protocol = new CfnParameter(stack, 'AlarmSubscriptionProtocol', {
      type: 'String',
      allowedValues: ['email', 'https'],
      default: 'email',
      description: 'How alarms reach operators: email, or https (a relay to a WeCom/DingTalk robot)',
    });
    const endpoint = new CfnParameter(stack, 'AlarmSubscriptionEndpoint', {
      type: 'String',
      default: '',
      description: 'The e-mail address or HTTPS URL that receives alarms (empty: subscribe later)',
    });
    const subscribed = new CfnCondition(stack, 'AlarmSubscribed', {
      expression: Fn.conditionNot(Fn.conditionEquals(endpoint.valueAsString, '')),
    });
    const subscription = new sns.CfnSubscription(this, 'Subscription', {
      topicArn: this.topic.topicArn,
      protocol: protocol.valueAsString,
      endpoint: endpoint.valueAsString,
    });
    subscription.cfnOptions.condition = subscribed;
  }

  private buildDashboard(props: OperationsProps, sum: { period: Duration; statistic: string }) {
    const machines = Object.entries(props.stateMachines);
    const fns = Object.entries(props.functions);
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8) =>
      new cloudwatch.GraphWidget({ title, left, width, height: 6 });
    const perRoute = (metricName: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},route,service} MetricName="${metricName}"', 'Sum', 300)`,
        label,
        period: FIVE_MINUTES,
      });
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: 'AssistanceApprovals',
      defaultInterval: Duration.days(1),
    });
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
    dashboard.addWidgets(
      graph(
        'Executions',
        machines.flatMap(([, sm]) => [
          sm.metricStarted(sum),
          sm.metricSucceeded(sum),
          sm.metricFailed(sum),
          sm.metricTimedOut(sum),
          sm.metricAborted(sum),
        ]),
      ),
      graph('Cases in error · tasks escalated', [
        domainMetric(METRIC.casesInError, FIVE_MINUTES),
        domainMetric(METRIC.tasksEscalated, FIVE_MINUTES),
      ]),
      graph('DynamoDB throttles', [
        props.table.metricThrottledRequestsForOperations({
          period: FIVE_MINUTES,
          operations: TABLE_OPERATIONS,
        }),
      ]),
    );
    dashboard.addWidgets(
      graph('Requests per route', [perRoute(METRIC.requests, 'requests')], 12),
      graph(
        'API 5xx (failures) and 4xx (refused, not failures)',
        [
          props.api.metricServerError(sum),
          props.api.metricClientError(sum),
          perRoute(METRIC.serverErrors, '5xx by route'),
        ],
        12,
      ),
    );
    dashboard.addWidgets(
      graph('API latency p50 / p95', [
        props.api.metricLatency({ period: FIVE_MINUTES, statistic: 'p50' }),
        props.api.metricLatency({ period: FIVE_MINUTES, statistic: 'p95' }),
      ]),
      graph(
        'Lambda errors',
        fns.map(([, fn]) => fn.metricErrors(sum)),
      ),
      graph(
        'Lambda throttles',
        fns.map(([, fn]) => fn.metricThrottles(sum)),
      ),
    );
    return dashboard;
  }
}
