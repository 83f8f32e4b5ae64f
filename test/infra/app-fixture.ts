import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { buildApp, STACK_IDS } from '../../infra/build-app.ts';
import type { ApiStack } from '../../infra/stacks/api-stack.ts';
import type { DataStack } from '../../infra/stacks/data-stack.ts';
import type { ObservabilityStack } from '../../infra/stacks/observability-stack.ts';
import type { WorkflowStack } from '../../infra/stacks/workflow-stack.ts';
import {
  type CfnTemplate,
  type ResolvedApp,
  type ResolveOptions,
  resolveTemplates,
} from '../../local/template.ts';

export const LOCAL: ResolveOptions = { region: 'cn-northwest-1', accountId: '123456789012' };

export interface SynthesizedApp {
  app: App;
  stacks: { data: DataStack; workflows: WorkflowStack; api: ApiStack; observability: ObservabilityStack };
  /** Templates by stack name. */
  templates: Record<string, CfnTemplate>;
  resolved: ResolvedApp;
  /** Removes the cloud assembly directory. */
  dispose(): void;
}

/** Builds and synthesizes the app once (call it in beforeAll), without bundling, into a temp directory. */
export function synthApp(
  opts: { schemaValidation?: boolean; context?: Record<string, unknown> } = {},
): SynthesizedApp {
  const outdir = mkdtempSync(join(tmpdir(), 'infra-test-'));
  try {
    const app = buildApp({ outdir, schemaValidation: opts.schemaValidation ?? false, context: opts.context });
    const assembly = app.synth();
    const templates = Object.fromEntries(
      assembly.stacks.map((s) => [s.stackName, s.template as CfnTemplate]),
    );
    const child = <T>(id: string) => app.node.findChild(id) as T;
    return {
      app,
      stacks: {
        data: child(STACK_IDS.data),
        workflows: child(STACK_IDS.workflows),
        api: child(STACK_IDS.api),
        observability: child(STACK_IDS.observability),
      },
      templates,
      resolved: resolveTemplates(templates, LOCAL),
      dispose: () => rmSync(outdir, { recursive: true, force: true }),
    };
  } catch (e) {
    rmSync(outdir, { recursive: true, force: true });
    throw e;
  }
}
