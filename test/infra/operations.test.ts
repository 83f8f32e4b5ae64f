import middy from '@middy/core';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { httpErrors } from '../../functions/api/middleware/http-errors.ts';
import { ROUTES, routeKey } from '../../functions/api/routes.ts';
import { METRIC, metrics, routeMetrics } from '../../functions/commons/observability.ts';
import { conflict } from '../../functions/core/errors.ts';
import { routeThrottle } from '../../infra/stacks/api-stack.ts';
import { type SynthesizedApp, synthApp } from './app-fixture.ts';

let synth: SynthesizedApp;
let ops: Template;
beforeAll(() => {
  synth = synthApp();
  ops = Template.fromStack(synth.stacks.observability);
});
afterAll(() => synth?.dispose());

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
const alarms = () => Object.values(ops.findResources('AWS::CloudWatch::Alarm')) as any[];

describe('alarms', () => {
  it('watch executions, throttles, the API, the table, cases in error and overdue tasks', () => {
    const metricsAlarmed = new Set(
      alarms().map((a) => a.Properties.MetricName ?? a.Properties.Metrics?.[0]?.Expression ?? 'math'),
    );
    for (const name of [
      'ExecutionsFailed',
      'ExecutionsTimedOut',
      'ExecutionsAborted',
      'Errors',
      'Throttles',
      '5xx',
      'Latency',
      METRIC.casesInError,
      METRIC.tasksEscalated,
    ]) {
      expect(metricsAlarmed, name).toContain(name);
    }
    // DynamoDB throttles: a sum over the operations the code sends
    expect(
      alarms().some((a) => JSON.stringify(a.Properties.Metrics ?? '').includes('ThrottledRequests')),
    ).toBe(true);
    expect(alarms().every((a) => a.Properties.AlarmActions.length === 1)).toBe(true);
  });

  it('notify a topic subscribed from the deploy parameters, only once an endpoint is given', () => {
    const t = ops.toJSON();
    expect(t.Parameters.AlarmSubscriptionProtocol.AllowedValues).toEqual(['email', 'https']);
    expect(t.Parameters.AlarmSubscriptionEndpoint.Default).toBe('');
    const [subscription] = Object.values(ops.findResources('AWS::SNS::Subscription'));
    expect(subscription).toMatchObject({
      Condition: 'AlarmSubscribed',
      Properties: {
        Protocol: { Ref: 'AlarmSubscriptionProtocol' },
        Endpoint: { Ref: 'AlarmSubscriptionEndpoint' },
      },
    });
  });

  it('and one dashboard charts them, with requests and 5xx per route', () => {
    const [dashboard] = Object.values(ops.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    for (const text of [
      'Executions',
      'DynamoDB throttles',
      'Cases in error',
      METRIC.requests,
      METRIC.serverErrors,
    ]) {
      expect(body).toContain(text);
    }
  });
});

describe('API metrics', () => {
  const run = async (fail: () => never) => {
    const added = vi.spyOn(metrics, 'addMetric');
    const handler = middy()
      .use(routeMetrics(() => 'POST /api/cases'))
      .use(httpErrors())
      .handler(async () => fail());
    const response = (await handler({}, {} as never)) as { statusCode: number };
    const names = added.mock.calls.map(([name]) => name);
    added.mockRestore();
    metrics.clearMetrics();
    metrics.clearDimensions();
    return { status: response.statusCode, names };
  };

  it('count a refused request (4xx) as a client error, never as a failure', async () => {
    const { status, names } = await run(() => {
      throw conflict('already decided');
    });
    expect(status).toBe(409);
    expect(names).toEqual([METRIC.requests, METRIC.clientErrors]);
  });

  it('count an unexpected error (500) as a server error', async () => {
    const { status, names } = await run(() => {
      throw new Error('bug');
    });
    expect(status).toBe(500);
    expect(names).toEqual([METRIC.requests, METRIC.serverErrors]);
  });
});

describe('edge and data protection', () => {
  it('throttles the public, report and audit routes apart from the rest', () => {
    const [stage] = Object.values(
      Template.fromStack(synth.stacks.api).findResources('AWS::ApiGatewayV2::Stage'),
    );
    const settings = stage!.Properties.RouteSettings;
    const limited = ROUTES.filter((r) => routeThrottle(r)).map(routeKey);
    expect(Object.keys(settings).sort()).toEqual(limited.sort());
    expect(limited).toEqual(expect.arrayContaining(['GET /health', 'GET /api/reports/stage-timings']));
    expect(settings['GET /api/reports/stage-timings']).toEqual({
      ThrottlingRateLimit: 5,
      ThrottlingBurstLimit: 10,
    });
    expect(stage!.DependsOn.length).toBeGreaterThanOrEqual(limited.length);
  });

  it('backs the table up daily, keeps each backup a year, in a retained vault under the data key', () => {
    const data = Template.fromStack(synth.stacks.data);
    data.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          {
            RuleName: 'Daily',
            ScheduleExpression: 'cron(0 18 * * ? *)',
            Lifecycle: { DeleteAfterDays: 365 },
          },
        ],
      },
    });
    const [vault] = Object.values(data.findResources('AWS::Backup::BackupVault'));
    expect(vault).toMatchObject({ DeletionPolicy: 'Retain' });
    expect(JSON.stringify(vault!.Properties.EncryptionKeyArn)).toContain('DataKey');
    const [selection] = Object.values(data.findResources('AWS::Backup::BackupSelection'));
    expect(JSON.stringify(selection!.Properties.BackupSelection.Resources)).toContain('Records');
  });

  it('keeps every log group a year (网络安全法 art. 21: at least six months)', () => {
    const groups = Object.values(synth.templates).flatMap((t) =>
      Object.values(t.Resources).filter((r) => r.Type === 'AWS::Logs::LogGroup'),
    );
    expect(groups.length).toBeGreaterThan(0);
    expect(groups.every((g) => g.Properties?.RetentionInDays === 365)).toBe(true);
  });
});
