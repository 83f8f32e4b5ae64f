import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_ENTRIES } from '../../functions/jobs/entries.ts';
import { SAMPLES_PREFIX } from '../../functions/store/keys.ts';
import { ratePeriodMs } from '../../local/scheduler.ts';
import { type SynthesizedApp, synthApp } from './app-fixture.ts';

let synth: SynthesizedApp;
let api: Template;
beforeAll(() => {
  synth = synthApp({ context: { counties: '611002,611003' } });
  api = Template.fromStack(synth.stacks.api);
});
afterAll(() => synth?.dispose());

describe('the timing-samples job', () => {
  it('runs hourly for the counties the deployment names, retrying a failed run twice within half an hour', () => {
    const job = synth.stacks.api.timingSamplesJob!;
    const fnId = Stack.of(job).getLogicalId(job.handler.fn.node.defaultChild as never);

    const [schedule] = Object.values(api.findResources('AWS::Scheduler::Schedule'));

    expect(schedule?.Properties).toMatchObject({
      ScheduleExpression: 'rate(1 hour)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
        Input: JSON.stringify({ counties: ['611002', '611003'] }),
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 1800 },
      },
    });
    expect(ratePeriodMs(schedule?.Properties.ScheduleExpression)).toBe(3_600_000);
    // the local runtime runs the same schedule with the same function and input
    expect(synth.resolved.schedules).toEqual([
      {
        logicalId: expect.stringMatching(/^TimingSamplesJobSchedule/),
        expression: 'rate(1 hour)',
        functionLogicalId: fnId,
        input: { counties: ['611002', '611003'] },
      },
    ]);
  });

  it('gives the scheduler a role that may invoke the job function and nothing else', () => {
    const roles = api.findResources('AWS::IAM::Role', {
      Properties: {
        AssumeRolePolicyDocument: {
          Statement: [{ Principal: { Service: 'scheduler.amazonaws.com' } }],
        },
      },
    });
    const [roleId] = Object.keys(roles);
    const policies = Object.values(api.findResources('AWS::IAM::Policy')).filter((p) =>
      p.Properties.Roles.some((r: { Ref?: string }) => r.Ref === roleId),
    );
    const job = synth.stacks.api.timingSamplesJob!;
    const fnId = Stack.of(job).getLogicalId(job.handler.fn.node.defaultChild as never);

    expect(Object.keys(roles)).toHaveLength(1);
    expect(policies.flatMap((p) => p.Properties.PolicyDocument.Statement)).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [fnId, 'Arn'] } },
    ]);
  });

  it('is an operation function of its own module that writes stored samples only', () => {
    const job = synth.stacks.api.timingSamplesJob!;
    const fn = Template.fromStack(job.handler.fn.stack).findResources('AWS::Lambda::Function', {
      Metadata: { 'app:entry': JOB_ENTRIES.storeTimingSamples },
    });
    const writes = Object.values(api.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s) => s.Condition?.['ForAllValues:StringLike'])
      .filter((s) => JSON.stringify(s).includes(SAMPLES_PREFIX));

    expect(Object.values(fn).map((f) => f.Properties.Timeout)).toEqual([900]);
    // the reports group (its fallback for a month the job has not stored) and the job
    expect(writes).toHaveLength(2);
  });

  it('is not scheduled for a deployment that names no county', () => {
    const deploy = synthApp({ context: { region: 'cn-northwest-1', account: '123456789012' } });
    try {
      expect(deploy.stacks.api.timingSamplesJob).toBeUndefined();
      expect(Template.fromStack(deploy.stacks.api).findResources('AWS::Scheduler::Schedule')).toEqual({});
    } finally {
      deploy.dispose();
    }
  });
});
