import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../local/engine/engine.ts';
import { type SfnEndpoint, startSfnEndpoint } from '../../local/sfn-endpoint.ts';

const SM_ARN = 'arn:aws:states:cn-north-1:123456789012:stateMachine:Review';
const definition = {
  StartAt: 'Review',
  States: {
    Review: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: 'arn:aws:lambda:cn-north-1:123456789012:function:open-task',
        Payload: { 'caseId.$': '$.caseId', 'token.$': '$$.Task.Token' },
      },
      TimeoutSeconds: 3600,
      ResultPath: '$.decision',
      Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.error', Next: 'Rejected' }],
      End: true,
    },
    Rejected: { Type: 'Fail', Error: 'CaseRejected', Cause: 'rejected at review' },
  },
};

/** The handler stand-in: remembers the token each case's task was given. */
const tokens = new Map<string, string>();
let engine: Engine;
let endpoint: SfnEndpoint;
let sfn: SFNClient;

async function tokenOf(caseId: string): Promise<string> {
  const end = Date.now() + 5000;
  while (!tokens.has(caseId)) {
    if (Date.now() > end) throw new Error(`no task opened for ${caseId}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return tokens.get(caseId)!;
}

async function finished(executionArn: string) {
  await engine.waitForExecution(executionArn);
  return sfn.send(new DescribeExecutionCommand({ executionArn }));
}

beforeAll(async () => {
  engine = await createEngine({
    stateMachines: [{ arn: SM_ARN, name: 'Review', definition }],
    invoke: async (_fn, payload) => {
      const { caseId, token } = payload as { caseId: string; token: string };
      tokens.set(caseId, token);
      return { opened: caseId };
    },
    env: {},
  });
  endpoint = await startSfnEndpoint(engine, { port: 0 });
  sfn = new SFNClient({
    endpoint: endpoint.url,
    region: 'cn-north-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  sfn?.destroy();
  await endpoint?.close();
  await engine?.stop();
});

describe('Step Functions endpoint with the real SFNClient', () => {
  it('starts an execution, completes its task with SendTaskSuccess and describes the result', async () => {
    // Arrange
    const start = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: SM_ARN,
        name: 'case-1',
        input: JSON.stringify({ caseId: 'c1' }),
      }),
    );
    const token = await tokenOf('c1');

    // Act
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ decision: 'approve' }) }),
    );
    const described = await finished(start.executionArn!);

    // Assert
    expect(start.executionArn).toBe('arn:aws:states:cn-north-1:123456789012:execution:Review:case-1');
    expect(start.startDate).toBeInstanceOf(Date);
    expect(Math.abs(start.startDate!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(described.status).toBe('SUCCEEDED');
    expect(described.stopDate).toBeInstanceOf(Date);
    expect(JSON.parse(described.input!)).toEqual({ caseId: 'c1' });
    expect(JSON.parse(described.output!)).toEqual({ caseId: 'c1', decision: { decision: 'approve' } });
  });

  it('answers AWS errors as the SDK models them', async () => {
    // Arrange
    await sfn.send(
      new StartExecutionCommand({ stateMachineArn: SM_ARN, name: 'case-2', input: '{"caseId":"c2"}' }),
    );
    const token = await tokenOf('c2');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));

    // Act
    const duplicate = sfn
      .send(
        new StartExecutionCommand({ stateMachineArn: SM_ARN, name: 'case-2', input: '{"caseId":"other"}' }),
      )
      .catch((e: Error) => e);
    const reused = sfn
      .send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))
      .catch((e: Error) => e);
    const badToken = sfn.send(new SendTaskHeartbeatCommand({ taskToken: 'nope' })).catch((e: Error) => e);
    const unknown = sfn
      .send(
        new DescribeExecutionCommand({
          executionArn: `${SM_ARN.replace('stateMachine', 'execution')}:missing`,
        }),
      )
      .catch((e: Error) => e);
    const badInput = sfn
      .send(new StartExecutionCommand({ stateMachineArn: SM_ARN, input: '{not json' }))
      .catch((e: Error) => e);

    // Assert
    expect(await duplicate).toBeInstanceOf(ExecutionAlreadyExists);
    expect(await reused).toBeInstanceOf(TaskTimedOut);
    expect(await badToken).toMatchObject({ name: 'InvalidToken', $metadata: { httpStatusCode: 400 } });
    expect(await unknown).toMatchObject({ name: 'ExecutionDoesNotExist' });
    expect(await badInput).toMatchObject({ name: 'InvalidExecutionInput' });
  });

  it('fails a task with SendTaskFailure, stops another, and lists them by status', async () => {
    // Arrange
    const failed = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: SM_ARN, name: 'case-3', input: '{"caseId":"c3"}' }),
    );
    const stopped = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: SM_ARN, name: 'case-4', input: '{"caseId":"c4"}' }),
    );

    // Act
    await sfn.send(
      new SendTaskFailureCommand({ taskToken: await tokenOf('c3'), error: 'Rejected', cause: 'no' }),
    );
    const stop = await sfn.send(
      new StopExecutionCommand({ executionArn: stopped.executionArn, cause: 'withdrawn' }),
    );
    const failedDescription = await finished(failed.executionArn!);
    const abortedList = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: SM_ARN, statusFilter: 'ABORTED' }),
    );
    const firstPage = await sfn.send(new ListExecutionsCommand({ stateMachineArn: SM_ARN, maxResults: 2 }));
    const secondPage = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: SM_ARN, maxResults: 2, nextToken: firstPage.nextToken }),
    );

    // Assert
    expect(failedDescription).toMatchObject({
      status: 'FAILED',
      error: 'CaseRejected',
      cause: 'rejected at review',
    });
    expect(stop.stopDate).toBeInstanceOf(Date);
    expect(abortedList.executions?.map((e) => e.name)).toEqual(['case-4']);
    expect(abortedList.executions?.[0]?.stopDate).toBeInstanceOf(Date);
    expect(firstPage.executions).toHaveLength(2);
    expect(secondPage.executions).toHaveLength(2);
    expect(secondPage.nextToken).toBeUndefined();
  });
});
