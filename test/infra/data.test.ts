import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COUNTY_INDEX_ATTRIBUTES,
  HOUSEHOLD_INDEX_READS,
  LIST_INDEX_ATTRIBUTES,
  OWNER_INDEX_ATTRIBUTES,
  TABLE_SPEC,
  TIMING_INDEX_ATTRIBUTES,
} from '../../functions/store/keys.ts';
import { projectionOf, tableInputFromSpec } from '../../local/tables.ts';
import { type SynthesizedApp, synthApp } from './app-fixture.ts';

let synth: SynthesizedApp;
let data: Template;
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
let table: { Properties: any; DeletionPolicy?: string; UpdateReplacePolicy?: string };
let keyId: string;

beforeAll(() => {
  synth = synthApp();
  data = Template.fromStack(synth.stacks.data);
  const tables = Object.values(data.findResources('AWS::DynamoDB::Table'));
  expect(tables).toHaveLength(1);
  table = tables[0] as typeof table;
  keyId = Object.keys(data.findResources('AWS::KMS::Key'))[0]!;
});
afterAll(() => synth?.dispose());

describe('the records table', () => {
  it('is encrypted with the customer-managed key, which rotates and outlives the stack', () => {
    expect(table.Properties.SSESpecification).toEqual({
      SSEEnabled: true,
      SSEType: 'KMS',
      KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    data.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true }),
      DeletionPolicy: 'Retain',
    });
  });

  it('can be restored to any point in time and is never deleted by a stack operation', () => {
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  it('has exactly the keys and GSIs of TABLE_SPEC, each with its projection, billed on demand', () => {
    // Arrange
    const keySchema = (pk: string, sk: string) => [
      { AttributeName: pk, KeyType: 'HASH' },
      { AttributeName: sk, KeyType: 'RANGE' },
    ];

    // Assert
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.KeySchema).toEqual(keySchema(TABLE_SPEC.partitionKey, TABLE_SPEC.sortKey));
    expect(table.Properties.GlobalSecondaryIndexes).toEqual(
      TABLE_SPEC.indexes.map((i) => ({
        IndexName: i.name,
        KeySchema: keySchema(i.partitionKey, i.sortKey),
        Projection: projectionOf(i.projection),
      })),
    );
    expect(table.Properties.LocalSecondaryIndexes).toBeUndefined();
  });

  it('copies to every index only what its readers read, and the same in the local table', () => {
    const projections = Object.fromEntries(
      (table.Properties.GlobalSecondaryIndexes as { IndexName: string; Projection: unknown }[]).map((g) => [
        g.IndexName,
        g.Projection,
      ]),
    );

    expect(projections).toEqual({
      gsi1: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...OWNER_INDEX_ATTRIBUTES] },
      gsi2: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...COUNTY_INDEX_ATTRIBUTES] },
      gsi3: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...TIMING_INDEX_ATTRIBUTES] },
      gsi4: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...HOUSEHOLD_INDEX_READS] },
    });
    expect(
      Object.fromEntries(
        tableInputFromSpec('x').GlobalSecondaryIndexes!.map((g) => [g.IndexName, g.Projection]),
      ),
    ).toEqual(projections);
    // never the task token, the route it replays, the household or its ID numbers, the policy snapshot
    for (const attribute of ['taskToken', 'supplementToken', 'route', 'household', 'guards', 'policy']) {
      expect(LIST_INDEX_ATTRIBUTES).not.toContain(attribute);
    }
    // nothing every case step changes lands in the case's applicant entry (a measure's version, updatedAt)
    for (const attribute of ['version', 'updatedAt', 'auditHead', 'auditLength']) {
      expect(OWNER_INDEX_ATTRIBUTES).not.toContain(attribute);
    }
    // never the task token, the household or its ID numbers
    for (const copied of [TIMING_INDEX_ATTRIBUTES, HOUSEHOLD_INDEX_READS as readonly string[]]) {
      expect(copied).not.toContain('taskToken');
      expect(copied).not.toContain('household');
      expect(copied).not.toContain('guards');
    }
  });
});
