import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  HUMAN_STAGES,
  type HumanStage,
  type ProcedureCatalogue,
  type RouteTarget,
  targetsFrom,
  targetsFromSupplementWait,
} from '../functions/core/procedure.ts';
import type { StepName } from '../functions/steps/entries.ts';
import { TRANSIENT_ERROR } from '../functions/steps/transient.ts';

export interface ProcedureWorkflowProps {
  /**
   * The step Lambdas by role (functions/steps/entries.ts): `openStage` writes a reviewer task and binds the
   * callback token to it, `escalate` flags it overdue, `awaitSupplement` waits for the applicant,
   * `withdrawUnsupplemented` ends a case nobody supplemented, `startPublicity` posts the notice of a case whose
   * decision did not (stored by an earlier version), `closePublicity` closes it, `markError` records an
   * unexpected failure on the case.
   */
  readonly steps: Readonly<Record<StepName, lambda.IFunction>>;
  /** X-Ray tracing of executions (default on; off where the partition has no X-Ray). */
  readonly tracing?: boolean;
  /** A fixed name, so step roles can be granted its ARN before it exists. */
  readonly stateMachineName?: string;
}

/**
 * The alias every execution is started through. A deploy that changes the definition publishes a new version and
 * points this alias at it; executions already running stay on the version they started on (until `migrate`
 * moves them), so no deploy terminates a case.
 */
export const LIVE_ALIAS = 'live';

/** "village_review" → "Village review": the prefix of every state of that stage. */
export const stageLabel = (stage: string) =>
  stage.charAt(0).toUpperCase() + stage.slice(1).replaceAll('_', ' ');

const ROUTE = '$.route.target';

/**
 * Errors worth another attempt: Lambda's service errors and throttles (CDK's default retry omits
 * TooManyRequestsException), and a step's own throttled or briefly failing AWS call, which it throws as
 * TransientError. Steps are idempotent, so running one again is safe.
 */
export const LAMBDA_RETRIED_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/**
 * Exponential backoff with full jitter, capped: 1 s, 2 s, 4 s … at most 60 s between attempts, 8 retries (up to
 * about 4 minutes). Full jitter spreads the retries of many throttled executions instead of having them
 * return in step.
 */
const BACKOFF: Omit<sfn.RetryProps, 'errors'> = {
  interval: Duration.seconds(1),
  backoffRate: 2,
  maxAttempts: 8,
  maxDelay: Duration.seconds(60),
  jitterStrategy: sfn.JitterType.FULL,
};

/** A Lambda task with this workflow's retries; each error class has its own attempt budget. */
function invoke(scope: Construct, id: string, props: tasks.LambdaInvokeProps): tasks.LambdaInvoke {
  const task = new tasks.LambdaInvoke(scope, id, { ...props, retryOnServiceExceptions: false });
  task.addRetry({ ...BACKOFF, errors: [...LAMBDA_RETRIED_ERRORS] });
  task.addRetry({ ...BACKOFF, errors: [TRANSIENT_ERROR] });
  return task;
}

/**
 * A procedure as a Standard state machine, built from its catalogue in functions/core/procedure.ts (identification
 * and risk elimination are thin subclasses, workflows/identification.ts and risk-elimination.ts): every human
 * stage gets the same states — one callback task that opens the task its
 * route planned and waits for the decision, its escalation loop, the decision Choice — and every edge of its
 * decision Choice comes from `targetsFrom(catalogue, stage)`. A new stage or decision target changes the graph with no edit
 * here. A happy-path case takes 9 transitions: the start Choice, two per stage, publicity's Wait and its close,
 * which ends the execution (publicity is started by the decision that routes to it, in the decision's
 * transaction; an objection's review continues in a fresh execution the close starts).
 *
 * Execution input is `{ caseId, route }`. Starting on `route` is also how a case resumes after a restart or
 * migrates to a new version: it enters at the stage its record says it is in. A rejected case's re-examination
 * is a second execution entering at the re-examination stage.
 */
export class ProcedureWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  /** The version this synth's definition is published as (a new one whenever the definition changes). */
  readonly version: sfn.CfnStateMachineVersion;
  /** `live`: what executions are started through. */
  readonly alias: sfn.CfnStateMachineAlias;

  constructor(scope: Construct, id: string, catalogue: ProcedureCatalogue, props: ProcedureWorkflowProps) {
    super(scope, id);
    const { steps } = props;
    const caseId = sfn.JsonPath.stringAt('$.caseId');

    // ── Ends ────────────────────────────────────────────────────────────────────────────────────────────
    // Enrolled, rejected and withdrawn cases all end here: their status was written by the step or API call
    // that chose the route.
    const done = new sfn.Succeed(this, 'Done');
    const failed = new sfn.Fail(this, 'Failed', {
      error: 'CaseError',
      cause: 'The case was marked ERROR; its record holds the cause.',
    });
    // Anything unexpected marks the case ERROR (visible to admins, alarmed) instead of leaving it stuck.
    const markError = invoke(this, 'Mark error', {
      lambdaFunction: steps.markError,
      payloadResponseOnly: true,
      payload: sfn.TaskInput.fromObject({ caseId, error: sfn.JsonPath.objectAt('$.error') }),
      resultPath: sfn.JsonPath.DISCARD,
    });
    markError.next(failed);
    // A route no edge allows: give Mark error the `$.error` it reports, naming the offending route.
    const unexpectedRoute = new sfn.Pass(this, 'Unexpected route', {
      parameters: {
        Error: 'UnexpectedRoute',
        Cause: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.route')),
      },
      resultPath: '$.error',
    });
    unexpectedRoute.next(markError);
    const guard = (task: tasks.LambdaInvoke) =>
      task.addCatch(markError, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

    /** A step whose Lambda result (not the Invoke envelope) lands at `resultPath`. */
    const step = (name: string, fn: StepName, payload: Record<string, unknown>, resultPath: string) =>
      invoke(this, name, {
        lambdaFunction: steps[fn],
        payloadResponseOnly: true,
        payload: sfn.TaskInput.fromObject(payload),
        resultPath,
      });

    // ── Publicity (公示): the decision that routes here posted the notice; wait until it ends, then close it: the
    // case is enrolled (or its risk eliminated) and the execution ends, or with an open objection the close hands
    // the case to a fresh execution at objection review and this one ends too — no Choice after the close. Only
    // a route stored before decisions posted the notice enters at `Publicity: start` ─────────────────────────
    const startedAt = sfn.JsonPath.stringAt('$$.Execution.StartTime');
    const executionName = sfn.JsonPath.stringAt('$$.Execution.Name');
    const publicityStart = step('Publicity: start', 'startPublicity', { caseId }, '$.route');
    const publicityWait = new sfn.Wait(this, 'Publicity: wait', {
      comment: 'The notice stays up for the policy period (default 5 calendar days); anyone may object.',
      time: sfn.WaitTime.timestampPath('$.route.endsAt'),
    });
    const publicityClose = step('Publicity: close', 'closePublicity', { caseId, executionName }, '$.route');

    // ── Return (退回补充): the applicant supplements within the policy limit, or the case is withdrawn ──────
    const awaitSupplement = invoke(this, 'Await supplement', {
      comment:
        'The applicant supplements what the reviewer found missing (default 15 days), then the same stage reviews again.',
      lambdaFunction: steps.awaitSupplement,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({ caseId, taskToken: sfn.JsonPath.taskToken }),
      taskTimeout: sfn.Timeout.at('$.route.timeoutSeconds'),
      resultPath: '$.route',
    });
    const withdrawUnsupplemented = step(
      'Withdraw: no supplement',
      'withdrawUnsupplemented',
      { caseId },
      '$.route',
    );

    // ── Renewal: an execution that has carried a case for EXECUTION_HORIZON_MS (a task sitting for months) hands
    // it to a fresh execution at the same stage and ends, long before Step Functions' one-year limit ──────────
    const renew = step('Renew execution', 'renewExecution', { caseId, executionName }, sfn.JsonPath.DISCARD);
    guard(renew);
    renew.next(
      new sfn.Succeed(this, 'Renewed', { comment: 'A fresh execution carries the case on at its stage.' }),
    );

    // ── Human stages: one callback task opens the planned task and waits for the reviewer's decision
    // (escalating when overdue) → route ────────────────────────────────────────────────────────────────────
    const stages = {} as Record<HumanStage, { wait: tasks.LambdaInvoke; decision: sfn.Choice }>;
    for (const stage of HUMAN_STAGES) {
      const label = stageLabel(stage);
      // The route entering the stage names the task to open and the wait before its escalation; the decision
      // API completes this callback with the Route the decision takes. Past the timeout the task is escalated
      // (never decided automatically) and waited on again, the same step binding a new token to the same task.
      const wait = invoke(this, `${label}: await decision`, {
        comment: catalogue.statute[stage],
        lambdaFunction: steps.openStage,
        integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: sfn.TaskInput.fromObject({
          caseId,
          stage,
          route: sfn.JsonPath.objectAt('$.route'),
          taskToken: sfn.JsonPath.taskToken,
        }),
        taskTimeout: sfn.Timeout.at('$.route.timeoutSeconds'),
        resultPath: '$.route',
      });
      const escalate = step(
        `${label}: escalate`,
        'escalate',
        { caseId, route: sfn.JsonPath.objectAt('$.route'), executionStartedAt: startedAt },
        '$.route',
      );
      const decision = new sfn.Choice(this, `${label}: decision`);
      // The wait ended at the execution's renewal rather than (only) at the due date.
      const renewal = new sfn.Choice(this, `${label}: renew?`)
        .when(sfn.Condition.isPresent('$.route.renew'), renew)
        .otherwise(wait);

      wait.addCatch(escalate, { errors: [sfn.Errors.TIMEOUT], resultPath: '$.timeout' });
      guard(wait);
      wait.next(decision);
      guard(escalate);
      escalate.next(renewal);
      stages[stage] = { wait, decision };
    }

    /** The state a route target enters. */
    const entryOf = (target: RouteTarget): sfn.IChainable => {
      switch (target) {
        case 'publicity':
          return publicityWait;
        case 'await_supplement':
          return awaitSupplement;
        case 'end':
          return done;
        default:
          return stages[target].wait;
      }
    };
    /** A Choice on `$.route.target` with one branch per allowed target. */
    const routeOn = (choice: sfn.Choice, targets: readonly RouteTarget[], otherwise: sfn.IChainable) => {
      for (const target of targets) choice.when(sfn.Condition.stringEquals(ROUTE, target), entryOf(target));
      return choice.otherwise(otherwise);
    };

    // Each stage's decisions (approve / reject / return / send back / uphold / dismiss), as routes.
    for (const stage of HUMAN_STAGES)
      routeOn(stages[stage].decision, targetsFrom(catalogue, stage), unexpectedRoute);

    publicityStart.next(publicityWait).next(publicityClose);
    guard(publicityStart);
    guard(publicityClose);

    awaitSupplement.addCatch(withdrawUnsupplemented, {
      errors: [sfn.Errors.TIMEOUT],
      resultPath: '$.timeout',
    });
    guard(awaitSupplement);
    // A supplement that beat the timeout by a moment leaves the case open: the withdraw step then routes it
    // back to its stage, so both paths meet in the same Choice.
    const supplemented = routeOn(
      new sfn.Choice(this, 'Supplemented'),
      targetsFromSupplementWait(catalogue),
      unexpectedRoute,
    );
    awaitSupplement.next(supplemented);
    guard(withdrawUnsupplemented);
    withdrawUnsupplemented.next(supplemented);

    // ── Start: enter wherever the route points (a new case: its first stage; a resumed case: its stage) ───
    const start = routeOn(
      new sfn.Choice(this, 'Route').when(
        sfn.Condition.and(
          sfn.Condition.stringEquals(ROUTE, 'publicity'),
          // not `isNotPresent`: the local engine evaluates `IsPresent: false` as never true (test/infra/workflow.test.ts)
          sfn.Condition.not(sfn.Condition.isPresent('$.route.endsAt')),
        ),
        publicityStart,
      ),
      [...HUMAN_STAGES, 'publicity', 'await_supplement', 'end'],
      new sfn.Fail(this, 'UnknownRoute', {
        error: 'UnknownRoute',
        cause: 'The execution input has no route this workflow can enter.',
      }),
    );

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      comment:
        `${catalogue.procedure} (${catalogue.title}): village review → township verification → county approval → ` +
        `publicity → ${catalogue.success}; re-examination (复核) of a rejection enters at its own stage`,
      definitionBody: sfn.DefinitionBody.fromChainable(start),
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: props.tracing ?? true,
      // Execution data holds personal data (names, ID numbers): log the transitions, not the payloads.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      // A replaced or deleted state machine would take its running executions, in-flight cases, with it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // A new revision replaces this resource, i.e. publishes a new version; the old one is kept for the
    // executions still running on it (DeletionPolicy and UpdateReplacePolicy Retain).
    this.version = new sfn.CfnStateMachineVersion(this, 'Version', {
      stateMachineArn: this.stateMachine.stateMachineArn,
      stateMachineRevisionId: this.stateMachine.stateMachineRevisionId,
      description: 'Published by the deploy that brought this definition',
    });
    this.version.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.alias = new sfn.CfnStateMachineAlias(this, 'Live', {
      name: LIVE_ALIAS,
      description: 'Executions start here: the newest version',
      routingConfiguration: [{ stateMachineVersionArn: this.version.attrArn, weight: 100 }],
    });
    this.acknowledgeRoleFindings(steps);
  }

  /** The state machine role's wildcards are ones CDK and AWS require; each is named with its reason. */
  private acknowledgeRoleFindings(steps: Readonly<Record<StepName, lambda.IFunction>>) {
    const role = Validations.of(this.stateMachine.role);
    role.acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'CloudWatch Logs delivery and X-Ray actions support no resource-level permissions.',
    });
    for (const fn of Object.values(steps)) {
      const logicalId = Stack.of(fn).getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
      role.acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
        reason: 'Invoking a step Lambda by qualified ARN (version or alias) is part of the same grant.',
      });
    }
  }
}
