import { ArnFormat, CfnOutput, Stack, type StackProps, Token, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { MIGRATE_ENTRY, STEP_ENTRIES, type StepName } from '../../functions/steps/entries.ts';
import { IdentificationWorkflow, LIVE_ALIAS } from '../../workflows/identification.ts';
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
  /** Starts the execution that takes the case over (through the alias). */
  startsIdentification?: boolean;
}
/** A case step: read the case (and task, policy, calendar), then one transaction of puts and updates. */
const CASE_STEP: readonly TableAction[] = ['GetItem', 'PutItem', 'UpdateItem'];
export const STEP_NEEDS: Readonly<Record<StepName, StepNeeds>> = {
  // Opens the task with its callback token, or binds the token to the open one; replays a decision it missed.
  openStage: { table: CASE_STEP, completesTasks: true },
  escalate: { table: CASE_STEP },
  awaitSupplement: { table: ['GetItem', 'UpdateItem'], completesTasks: true },
  // Withdrawing releases the household's one-open-case guards.
  withdrawUnsupplemented: { table: [...CASE_STEP, 'DeleteItem'] },
  startPublicity: { table: CASE_STEP },
  // Looks for open objections.
  closePublicity: { table: [...CASE_STEP, 'Query'] },
  markError: { table: CASE_STEP },
  // Names the new execution on the case (with its audit record), then starts it.
  renewExecution: { table: CASE_STEP, startsIdentification: true },
};

/** The migration: every in-flight case of the counties named (a Query per county), each renewed like renewExecution does. */
export const MIGRATE_NEEDS: readonly TableAction[] = ['Query', ...CASE_STEP];

/** The identification state machine's name: its ARN is then known before it exists (no dependency cycle). */
export const IDENTIFICATION_STATE_MACHINE = 'AssistanceApprovals-Identification';

/**
 * Allows `actions` on every execution of the identification state machine (executions are named per case), and
 * acknowledges the wildcard to cdk-nag under the name it gives it: pseudo parameters, or a deployment's region
 * and account.
 */
export function allowOnExecutions(role: iam.IRole, actions: string[]) {
  const stack = Stack.of(role);
  const executions = stack.formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${IDENTIFICATION_STATE_MACHINE}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [executions] }));
  const inTemplate = (value: string, pseudo: string) =>
    Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${inTemplate(stack.region, 'Region')}:${inTemplate(stack.account, 'AccountId')}:execution:${IDENTIFICATION_STATE_MACHINE}:*]`,
    reason: `Executions are named per case: ${actions.join(', ')} on any execution of the identification state machine.`,
  });
}

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** The step Lambdas (one per STEP_ENTRIES entry) and the identification state machine that invokes them. */
export class WorkflowStack extends Stack {
  readonly steps: Readonly<Record<StepName, ProjectFunction>>;
  readonly identification: StateMachine;
  /** `…:stateMachine:AssistanceApprovals-Identification:live`: what every execution is started through. */
  readonly identificationAliasArn: string;
  /** Moves in-flight cases to the newest version after a deploy (docs/operations.md). */
  readonly migrate: ProjectFunction;

  constructor(scope: Construct, id: string, props: WorkflowStackProps) {
    super(scope, id, props);
    const identificationArn = this.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: IDENTIFICATION_STATE_MACHINE,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    // Known before the alias exists, like the state machine's ARN: no dependency cycle through the step roles.
    this.identificationAliasArn = `${identificationArn}:${LIVE_ALIAS}`;
    const steps = {} as Record<StepName, ProjectFunction>;
    const fns = {} as Record<StepName, lambda.IFunction>;
    for (const [name, entry] of Object.entries(STEP_ENTRIES) as [StepName, string][]) {
      const needs = STEP_NEEDS[name];
      steps[name] = new ProjectFunction(this, pascal(name), {
        entry,
        kind: 'step',
        description: `Identification workflow step: ${name}`,
      }).bindTable(props.table, needs.table);
      if (needs.completesTasks) steps[name].allowTaskSuccess(identificationArn);
      if (needs.startsIdentification) this.allowStart(steps[name]);
      // Each state-machine version invokes the step versions published with it, never newer code.
      fns[name] = steps[name].fn.currentVersion;
    }
    this.steps = steps;

    this.migrate = new ProjectFunction(this, 'Migrate', {
      entry: MIGRATE_ENTRY,
      kind: 'operation',
      description: 'Moves in-flight cases to the newest identification workflow version (run after a deploy)',
    }).bindTable(props.table, MIGRATE_NEEDS);
    this.allowStart(this.migrate);
    this.migrate.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeStateMachineAlias'],
        resources: [this.identificationAliasArn],
      }),
    );
    allowOnExecutions(this.migrate.role, ['states:DescribeExecution', 'states:StopExecution']);
    new CfnOutput(this, 'MigrateFunction', { value: this.migrate.fn.functionName });

    this.identification = new IdentificationWorkflow(this, 'Identification', {
      steps: fns,
      stateMachineName: IDENTIFICATION_STATE_MACHINE,
      tracing: settingsOf(this).tracing,
    }).stateMachine;
  }

  /** Lets a function start executions through the `live` alias, and tells it the alias's ARN. */
  private allowStart(pf: ProjectFunction) {
    pf.fn.addEnvironment('IDENTIFICATION_STATE_MACHINE_ARN', this.identificationAliasArn);
    pf.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [this.identificationAliasArn],
      }),
    );
  }
}
