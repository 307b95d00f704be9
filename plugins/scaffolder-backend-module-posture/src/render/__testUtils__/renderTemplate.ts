import fs from 'node:fs';
import path from 'node:path';
import { UrlReaderService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ScmIntegrations } from '@backstage/integration';
import { createFetchTemplateAction } from '@backstage/plugin-scaffolder-backend';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import { validate } from 'jsonschema';
import { parse } from 'yaml';
import { makeTemporaryDirectory, runAction } from './context';
import { applyDefaults, validateParameters } from './parameters';
import { createWorkflowRenderer } from './workflow';

export interface TemplateStep {
  id: string;
  name?: string;
  action: string;
  if?: string | boolean;
  input?: JsonObject;
}

export interface LoadedTemplate {
  /** absolute path of template.yaml */
  file: string;
  dir: string;
  entity: {
    apiVersion?: string;
    kind?: string;
    metadata: { name: string; annotations?: Record<string, string>; tags?: string[]; description?: string };
    spec: { parameters?: unknown; steps?: TemplateStep[]; output?: JsonObject; [k: string]: unknown };
  };
}

export function loadTemplate(file: string): LoadedTemplate {
  const abs = path.resolve(file);
  return { file: abs, dir: path.dirname(abs), entity: parse(fs.readFileSync(abs, 'utf8')) };
}

// The scaffolder's defaults: github.com is integrated even with no configuration.
const integrations = ScmIntegrations.fromConfig(
  mockServices.rootConfig({ data: { integrations: { github: [{ host: 'github.com' }] } } }),
);

const noReader: UrlReaderService = {
  readUrl: () => Promise.reject(new Error('templates under test are read from files only')),
  readTree: () => Promise.reject(new Error('templates under test are read from files only')),
  search: () => Promise.reject(new Error('templates under test are read from files only')),
};

/** The real `fetch:template` of `@backstage/plugin-scaffolder-backend`: the renderer the scaffolder runs. */
export const fetchTemplateAction = createFetchTemplateAction({ reader: noReader, integrations });

export const workflowRenderer = createWorkflowRenderer(integrations);

const isTruthy = (v: unknown) =>
  !(v === false || v === undefined || v === null || v === '' || v === 0 || (Array.isArray(v) && v.length === 0));

export interface TemplateRun {
  /** the parameters after the form's defaults */
  parameters: Record<string, unknown>;
  /** where the steps ran: what publish:github would push */
  workspacePath: string;
  /** step id → its inputs as rendered and its outputs */
  steps: Record<string, { action: string; input: JsonObject; output: Record<string, unknown> }>;
  /** the template's `spec.output`, rendered */
  output?: JsonObject;
  /** the step that failed, and why */
  failed?: { step: string; error: Error };
}

export interface RunOptions {
  /** actions that really run; fetch:template always does */
  actions?: TemplateAction<any, any, any>[];
  /** outputs for actions that cannot run here (publish:github, catalog:register), by action id */
  mockOutputs?: Record<string, Record<string, unknown>>;
  /** skip the backend's parameter validation, to see what the later steps do with bad values */
  skipValidation?: boolean;
}

/**
 * Runs a template's steps the way the scaffolder's workflow runner does: the form's defaults are applied, the
 * values validated like the backend validates them, each step's `if` and `input` rendered against
 * `{ parameters, steps }` and checked against the action's input schema, the real actions run in one workspace,
 * and finally `spec.output` rendered.
 * Actions with no real implementation here get `mockOutputs`; an unknown action fails the run.
 */
export async function runTemplate(
  template: LoadedTemplate,
  given: Record<string, unknown>,
  options: RunOptions = {},
): Promise<TemplateRun> {
  const parameters = applyDefaults(template.entity.spec.parameters, given);
  if (!options.skipValidation) {
    const errors = validateParameters(template.entity.spec.parameters, parameters);
    if (errors.length > 0) throw new Error(`Invalid parameters:\n  ${errors.join('\n  ')}`);
  }
  const actions = new Map<string, TemplateAction<any, any, any>>(
    [fetchTemplateAction, ...(options.actions ?? [])].map(a => [a.id, a]),
  );
  const workspacePath = makeTemporaryDirectory('template-workspace-');
  const run: TemplateRun = { parameters, workspacePath, steps: {} };
  const context = () => ({
    parameters,
    steps: Object.fromEntries(Object.entries(run.steps).map(([id, s]) => [id, { output: s.output }])),
  });

  for (const step of template.entity.spec.steps ?? []) {
    if (step.if !== undefined && !isTruthy(workflowRenderer.render({ v: step.if }, context()).v)) continue;
    const input = workflowRenderer.render(step.input ?? {}, context());
    const action = actions.get(step.action);
    if (!action) {
      const mocked = options.mockOutputs?.[step.action];
      if (!mocked) throw new Error(`Step ${step.id}: no implementation or mock for action ${step.action}`);
      run.steps[step.id] = { action: step.action, input, output: mocked };
      continue;
    }
    // the runner checks the rendered input against the action's schema; it does not apply schema defaults
    if (action.schema?.input) {
      const { errors } = validate(input, action.schema.input as any);
      if (errors.length > 0) {
        run.steps[step.id] = { action: step.action, input, output: {} };
        run.failed = { step: step.id, error: new Error(`Invalid input passed to action ${action.id}, ${errors.join(', ')}`) };
        return run;
      }
    }
    const result = await runAction(action, { input, workspacePath, templateFile: template.file });
    run.steps[step.id] = { action: step.action, input, output: result.outputs };
    if (result.error) {
      run.failed = { step: step.id, error: result.error };
      return run;
    }
  }
  run.output = workflowRenderer.render(template.entity.spec.output ?? {}, context());
  return run;
}
