import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { TABLE_SPEC } from '../../functions/store/keys.ts';

const attr = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });

/**
 * The record of truth: one table (keys and indexes from TABLE_SPEC) encrypted with a customer-managed key.
 * Households' ID numbers, incomes and health details live here, so the table and its key outlive any stack
 * update (RETAIN, deletion protection) and can be restored to any second of the last 35 days (PITR), and from a
 * daily AWS Backup kept a year (等保 2.0 asks for backups of important data).
 */
export class DataStack extends Stack {
  readonly table: dynamodb.Table;
  readonly key: kms.Key;
  readonly backupPlan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.key = new kms.Key(this, 'DataKey', {
      description: 'Encrypts the assistance-approval records (household personal data)',
      enableKeyRotation: true,
      // A retained table is unreadable without its key.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table = new dynamodb.Table(this, 'Records', {
      partitionKey: attr(TABLE_SPEC.partitionKey),
      sortKey: attr(TABLE_SPEC.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of TABLE_SPEC.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: attr(index.partitionKey),
        sortKey: attr(index.sortKey),
        ...(index.projection === 'ALL'
          ? { projectionType: dynamodb.ProjectionType.ALL }
          : { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection] }),
      });
    }
    this.backupPlan = this.dailyBackups();
  }

  /** A daily backup at 02:00 China Standard Time, kept 365 days, in a retained vault under the data key. */
  private dailyBackups(): backup.BackupPlan {
    const vault = new backup.BackupVault(this, 'Backups', {
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const plan = new backup.BackupPlan(this, 'BackupPlan', { backupVault: vault });
    plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'Daily',
        scheduleExpression: events.Schedule.cron({ hour: '18', minute: '0' }),
        deleteAfter: Duration.days(365),
      }),
    );
    const selection = plan.addSelection('Records', {
      resources: [backup.BackupResource.fromDynamoDbTable(this.table)],
    });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason: 'AWS Backup runs the backups with the service role policy AWS maintains for exactly that.',
    });
    return plan;
  }
}
