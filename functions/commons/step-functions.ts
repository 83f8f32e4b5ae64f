import {
  DescribeExecutionCommand,
  DescribeStateMachineAliasCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { Procedure } from '../../schemas/domain.ts';
import type { Route } from '../core/procedure.ts';
import type { ExecutionState, WorkflowInput, WorkflowPort } from '../services/workflow-port.ts';

/**
 * Step Functions names an execution's ARN after its state machine's, without the version or alias it was started
 * through; a case's first execution is named by its id.
 */
export const executionArnOf = (stateMachineArn: string, name: string) =>
  `${stateMachineArn.split(':').slice(0, 7).join(':').replace(':stateMachine:', ':execution:')}:${name}`;

/** The variable that names each procedure's state machine (its live alias's ARN) to a function that starts one. */
export const STATE_MACHINE_ENV: Readonly<Record<Procedure, string>> = {
  identification: 'IDENTIFICATION_STATE_MACHINE_ARN',
  risk_elimination: 'RISK_ELIMINATION_STATE_MACHINE_ARN',
};

/** Errors that mean the token is no longer waited on: the workflow will replay the stored route itself. */
const STALE_TOKEN = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * The workflow port on Step Functions (or the local runtime's endpoint for it, AWS_ENDPOINT_URL_SFN).
 * `stateMachineArn` (a procedure's live alias's ARN) is read when first needed, so a handler that never starts an
 * execution needs none.
 */
export function stepFunctionsWorkflow(
  sfn: SFNClient,
  stateMachineArn: (procedure: Procedure) => string,
): WorkflowPort {
  const send = async (token: string, route: Route) => {
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(route) }));
  };
  return {
    executionArn: (procedure, name) => executionArnOf(stateMachineArn(procedure), name),
    async start(procedure: Procedure, name: string, input: WorkflowInput) {
      await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: stateMachineArn(procedure),
          name,
          input: JSON.stringify(input),
        }),
      );
    },
    send,
    async complete(token, route) {
      try {
        await send(token, route);
        return true;
      } catch (e) {
        if (STALE_TOKEN.has((e as Error).name)) return false;
        throw e;
      }
    },
    async stop(executionArn, cause, error) {
      await sfn.send(new StopExecutionCommand({ executionArn, cause, error }));
    },
    async liveVersion(procedure) {
      const alias = await sfn.send(
        new DescribeStateMachineAliasCommand({ stateMachineAliasArn: stateMachineArn(procedure) }),
      );
      const heaviest = [...(alias.routingConfiguration ?? [])].sort(
        (a, b) => (b.weight ?? 0) - (a.weight ?? 0),
      )[0];
      if (!heaviest?.stateMachineVersionArn)
        throw new Error(`alias ${alias.stateMachineAliasArn} routes to no version`);
      return heaviest.stateMachineVersionArn;
    },
    async describe(executionArn): Promise<ExecutionState | undefined> {
      try {
        const e = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        return { status: e.status as ExecutionState['status'], versionArn: e.stateMachineVersionArn };
      } catch (e) {
        if ((e as Error).name === 'ExecutionDoesNotExist') return undefined;
        throw e;
      }
    },
  };
}
