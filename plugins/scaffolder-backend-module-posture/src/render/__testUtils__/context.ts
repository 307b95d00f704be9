import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ActionContext, TemplateAction } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';

const quietLogger: LoggerService = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => quietLogger,
};

/** Temporary directories made by actions, removed by `cleanUpTemporaryDirectories`. */
const temporary = new Set<string>();

export function makeTemporaryDirectory(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporary.add(dir);
  return dir;
}

export function cleanUpTemporaryDirectories(): void {
  for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
  temporary.clear();
}

export interface ActionRun {
  outputs: Record<string, unknown>;
  error?: Error;
  logs: string[];
}

/**
 * Runs a scaffolder action as the task worker does: in a workspace, with the template's location (so that
 * relative `url`s resolve next to template.yaml) and a fresh temporary directory per request.
 */
export async function runAction(
  action: TemplateAction<any, any, any>,
  options: { input: JsonObject; workspacePath: string; templateFile?: string; isDryRun?: boolean },
): Promise<ActionRun> {
  const outputs: Record<string, unknown> = {};
  const logs: string[] = [];
  const logger: LoggerService = {
    ...quietLogger,
    info: msg => {
      logs.push(msg);
    },
  };
  const ctx: ActionContext<JsonObject, JsonObject> = {
    logger,
    workspacePath: options.workspacePath,
    input: options.input,
    isDryRun: options.isDryRun,
    checkpoint: async opts => opts.fn(),
    output: (name, value) => {
      outputs[String(name)] = value;
    },
    createTemporaryDirectory: async () => makeTemporaryDirectory('template-action-'),
    getInitiatorCredentials: () => Promise.reject(new Error('no credentials in template tests')),
    task: { id: 'template-test' },
    templateInfo: options.templateFile
      ? {
          entityRef: 'template:default/under-test',
          // what the scaffolder passes for a template registered from a file location
          baseUrl: `file://${options.templateFile}`,
        }
      : undefined,
  };
  try {
    await action.handler(ctx);
    return { outputs, logs };
  } catch (e) {
    return { outputs, logs, error: e as Error };
  }
}
