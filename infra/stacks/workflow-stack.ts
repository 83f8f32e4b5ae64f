import { ArnFormat, CfnOutput, Stack, type StackProps, Token, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { STATE_MACHINE_ENV } from '../../functions/commons/step-functions.ts';
import { MIGRATE_ENTRY, STEP_ENTRIES, type StepName } from '../../functions/steps/entries.ts';
import type { Procedure } from '../../schemas/domain.ts';
import { IdentificationWorkflow } from '../../workflows/identification.ts';
import { LIVE_ALIAS } from '../../workflows/procedure-workflow.ts';
import { RiskEliminationWorkflow } from '../../workflows/risk-elimination.ts';
import { ProjectFunction, type TableAction } from '../constructs/project-function.ts';
import { settingsOf } from '../settings.ts';

export interface WorkflowStackProps extends StackProps {
  /** The record table; every step writes the case state and its audit record there. */
  table: ITable;
}

/** What each step's handler module calls; test/infra/iam.test.ts checks it against what the test run saw. */
interface StepNeeds {
  table: readonly TableAction[];
  /** Completes its own callback token (a decision or supplement that arrived before the token was bound). */
  completesTasks?: boolean;
  /** Starts the execution that takes the case over (through its procedure's alias). */
  startsExecutions?: boolean;
}
/** A case step: read the case (one Query of its case and filing items), then one transaction of puts and updates. */
const CASE_STEP: readonly TableAction[] = ['Query', 'PutItem', 'UpdateItem'];
/** A case step that also reads its task, policy or calendar by key. */
const CASE_STEP_BY_KEY: readonly TableAction[] = [...CASE_STEP, 'GetItem'];
export const STEP_NEEDS: Readonly<Record<StepName, StepNeeds>> = {
  // Opens the task with its callback token, or binds the token to the open one; replays a decision it missed.
  openStage: { table: CASE_STEP_BY_KEY, completesTasks: true },
  escalate: { table: CASE_STEP_BY_KEY },
  awaitSupplement: { table: ['Query', 'UpdateItem'], completesTasks: true },
  // Withdrawing releases the household's one-open-case guards.
  withdrawUnsupplemented: { table: [...CASE_STEP, 'DeleteItem'] },
  startPublicity: { table: CASE_STEP_BY_KEY },
  // Looks for open objections; a risk elimination's close releases the enrolled case's guards; with an objection
  // it names a fresh execution on the case and starts it at the review.
  closePublicity: { table: [...CASE_STEP_BY_KEY, 'DeleteItem'], startsExecutions: true },
  markError: { table: CASE_STEP },
  // Names the new execution on the case (with its audit record), then starts it.
  renewExecution: { table: CASE_STEP_BY_KEY, startsExecutions: true },
};

/** The migration: every in-flight case of the counties named (a Query per county), each renewed like renewExecution does. */
export const MIGRATE_NEEDS: readonly TableAction[] = CASE_STEP_BY_KEY;

/**
 * Each procedure's state machine by its fixed name (its ARN is then known before it exists: no dependency cycle
 * through the step roles), and the construct that builds it from the procedure's catalogue.
 */
export const STATE_MACHINES: Readonly<
  Record<Procedure, { name: string; id: string; workflow: typeof IdentificationWorkflow }>
> = {
  identification: {
    name: 'AssistanceApprovals-Identification',
    id: 'Identification',
    workflow: IdentificationWorkflow,
  },
  risk_elimination: {
    name: 'AssistanceApprovals-RiskElimination',
    id: 'RiskElimination',
    workflow: RiskEliminationWorkflow,
  },
};

/** What a function is granted or told of one procedure's state machine. */
export interface MachineRef {
  /** `…:stateMachine:<name>`: what SendTaskSuccess is granted on */
  arn: string;
  /** `…:stateMachine:<name>:live`: what every execution is started through */
  aliasArn: string;
}

/**
 * Allows `actions` on every execution of every procedure's state machine (executions are named per case), and
 * acknowledges each wildcard to cdk-nag under the name it gives it: pseudo parameters, or a deployment's region
 * and account.
 */
export function allowOnExecutions(role: iam.IRole, actions: string[]) {
  const stack = Stack.of(role);
  const inTemplate = (value: string, pseudo: string) =>
    Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
  const names = Object.values(STATE_MACHINES).map((m) => m.name);
  const executions = names.map((name) =>
    stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${name}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
  );
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: executions }));
  for (const name of names) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${inTemplate(stack.region, 'Region')}:${inTemplate(stack.account, 'AccountId')}:execution:${name}:*]`,
      reason: `Executions are named per case: ${actions.join(', ')} on any execution of the ${name} state machine.`,
    });
  }
}

/** Lets a function start executions of every procedure through its `live` alias, and tells it each alias's ARN. */
export function allowStart(pf: ProjectFunction, machines: Readonly<Record<Procedure, MachineRef>>) {
  for (const [procedure, m] of Object.entries(machines) as [Procedure, MachineRef][]) {
    pf.fn.addEnvironment(STATE_MACHINE_ENV[procedure], m.aliasArn);
  }
  pf.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['states:StartExecution'],
      resources: Object.values(machines).map((m) => m.aliasArn),
    }),
  );
}

/** Lets a function complete the callback tasks of every procedure's state machine. */
export function allowTaskSuccess(pf: ProjectFunction, machines: Readonly<Record<Procedure, MachineRef>>) {
  for (const m of Object.values(machines)) pf.allowTaskSuccess(m.arn);
}

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** The step Lambdas (one per STEP_ENTRIES entry) and every procedure's state machine that invokes them. */
export class WorkflowStack extends Stack {
  readonly steps: Readonly<Record<StepName, ProjectFunction>>;
  /** Each procedure's state machine. */
  readonly stateMachines: Readonly<Record<Procedure, StateMachine>>;
  /** Each procedure's state machine and `live` alias ARNs, known before they exist. */
  readonly machines: Readonly<Record<Procedure, MachineRef>>;
  /** Moves in-flight cases to the newest versions after a deploy (docs/operations.md). */
  readonly migrate: ProjectFunction;

  constructor(scope: Construct, id: string, props: WorkflowStackProps) {
    super(scope, id, props);
    const refOf = (name: string): MachineRef => {
      const arn = this.formatArn({
        service: 'states',
        resource: 'stateMachine',
        resourceName: name,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      return { arn, aliasArn: `${arn}:${LIVE_ALIAS}` };
    };
    const machines = Object.fromEntries(
      Object.entries(STATE_MACHINES).map(([p, m]) => [p, refOf(m.name)]),
    ) as Record<Procedure, MachineRef>;
    this.machines = machines;
    const steps = {} as Record<StepName, ProjectFunction>;
    const fns = {} as Record<StepName, lambda.IFunction>;
    for (const [name, entry] of Object.entries(STEP_ENTRIES) as [StepName, string][]) {
      const needs = STEP_NEEDS[name];
      steps[name] = new ProjectFunction(this, pascal(name), {
        entry,
        kind: 'step',
        description: `Workflow step: ${name}`,
      }).bindTable(props.table, needs.table);
      if (needs.completesTasks) allowTaskSuccess(steps[name], machines);
      if (needs.startsExecutions) allowStart(steps[name], machines);
      // Each state-machine version invokes the step versions published with it, never newer code.
      fns[name] = steps[name].fn.currentVersion;
    }
    this.steps = steps;

    this.migrate = new ProjectFunction(this, 'Migrate', {
      entry: MIGRATE_ENTRY,
      kind: 'operation',
      description: 'Moves in-flight cases to the newest workflow versions (run after a deploy)',
    }).bindTable(props.table, MIGRATE_NEEDS);
    allowStart(this.migrate, machines);
    this.migrate.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeStateMachineAlias'],
        resources: Object.values(machines).map((m) => m.aliasArn),
      }),
    );
    allowOnExecutions(this.migrate.role, ['states:DescribeExecution', 'states:StopExecution']);
    new CfnOutput(this, 'MigrateFunction', { value: this.migrate.fn.functionName });

    this.stateMachines = Object.fromEntries(
      Object.entries(STATE_MACHINES).map(([p, m]) => [
        p,
        new m.workflow(this, m.id, {
          steps: fns,
          stateMachineName: m.name,
          tracing: settingsOf(this).tracing,
        }).stateMachine,
      ]),
    ) as Record<Procedure, StateMachine>;
  }
}
