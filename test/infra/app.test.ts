import { existsSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP_ENTRIES } from '../../functions/api/routes.ts';
import { JOB_ENTRIES } from '../../functions/jobs/entries.ts';
import { MIGRATE_ENTRY, STEP_ENTRIES } from '../../functions/steps/entries.ts';
import { repoPath } from '../../infra/paths.ts';
import { resolveValue } from '../../local/template.ts';
import { LOCAL, type SynthesizedApp, synthApp } from './app-fixture.ts';

let synth: SynthesizedApp;
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
let functions: { stackName: string; logicalId: string; resource: any }[];

beforeAll(() => {
  // The one synth here that also runs CDK's CloudFormation schema check, as `cdk synth` does.
  synth = synthApp({ schemaValidation: true });
  functions = Object.entries(synth.templates).flatMap(([stackName, t]) =>
    Object.entries(t.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([logicalId, resource]) => ({ stackName, logicalId, resource })),
  );
});
afterAll(() => synth?.dispose());

describe('cdk-nag AwsSolutions', () => {
  it('reports nothing that is not acknowledged with a reason', () => {
    // Act
    const report = new AwsSolutionsChecks().validateScope(synth.app);

    // Assert
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });
});

describe('every Lambda function', () => {
  it('is one of the handler modules, and each handler module has its function', () => {
    const entries = functions.map((f) => f.resource.Metadata?.['app:entry']);
    expect(entries.sort()).toEqual(
      [
        ...Object.values(STEP_ENTRIES),
        MIGRATE_ENTRY,
        ...Object.values(GROUP_ENTRIES),
        ...Object.values(JOB_ENTRIES),
      ].sort(),
    );
  });

  it("names an existing .ts module in its 'app:entry' metadata", () => {
    for (const f of functions) {
      const entry = f.resource.Metadata?.['app:entry'];
      expect(entry, f.logicalId).toMatch(/^functions\/.+\.ts$/);
      expect(existsSync(repoPath(entry)), entry).toBe(true);
    }
  });

  it('runs Node.js 22 on ARM64 with X-Ray, 512 MB, the API, step or operation timeout and source-mapped traces', () => {
    for (const { logicalId, resource } of functions) {
      const p = resource.Properties;
      const entry = resource.Metadata['app:entry'];
      const isApi = Object.values(GROUP_ENTRIES).includes(entry);
      expect(p, logicalId).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        MemorySize: 512,
        // operations (the migration, the scheduled jobs) may take Lambda's 15 minutes
        Timeout: isApi
          ? 29
          : entry === MIGRATE_ENTRY || Object.values<string>(JOB_ENTRIES).includes(entry)
            ? 900
            : 60,
      });
      expect(p.Environment.Variables, logicalId).toMatchObject({
        POWERTOOLS_SERVICE_NAME: expect.any(String),
        POWERTOOLS_LOG_LEVEL: expect.any(String),
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
  });

  it('logs to its own log group, kept for a year', () => {
    for (const { stackName, logicalId, resource } of functions) {
      const logGroupId = resource.Properties.LoggingConfig.LogGroup.Ref;
      const logGroup = synth.templates[stackName]!.Resources[logGroupId];
      expect(logGroup?.Type, logicalId).toBe('AWS::Logs::LogGroup');
      expect(logGroup?.Properties.RetentionInDays, logicalId).toBe(365);
    }
  });

  it('has an Errors alarm that notifies the operators topic', () => {
    // Arrange: alarm dimensions resolved to function names (cross-stack imports included)
    const observability = Template.fromStack(synth.stacks.observability);
    const stackName = synth.stacks.observability.stackName;
    const alarmed = Object.values(observability.findResources('AWS::CloudWatch::Alarm'))
      .filter((a) => a.Properties.MetricName === 'Errors')
      .map((a) => {
        expect(a.Properties.AlarmActions).toHaveLength(1);
        const dim = a.Properties.Dimensions.find((d: { Name: string }) => d.Name === 'FunctionName');
        return resolveValue(synth.templates, LOCAL, stackName, dim.Value);
      });

    // Assert
    expect(alarmed.sort()).toEqual(synth.resolved.functions.map((f) => f.name).sort());
  });
});

describe('the state machine', () => {
  it('alarms on any failed execution', () => {
    const observability = Template.fromStack(synth.stacks.observability);
    const failed = Object.values(observability.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.MetricName === 'ExecutionsFailed',
    );
    const arns = failed.map((a) =>
      resolveValue(
        synth.templates,
        LOCAL,
        synth.stacks.observability.stackName,
        a.Properties.Dimensions[0].Value,
      ),
    );
    expect(arns).toEqual(synth.resolved.stateMachines.map((m) => m.arn));
    expect(failed[0]?.Properties.Threshold).toBe(1);
  });
});
