import { parseEntityRef } from '@backstage/catalog-model';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { parseRepoUrl } from '@backstage/plugin-scaffolder-node';
import { TemplateFilter, TemplateValue, createTemplateRenderer } from 'nunjitsu';

/**
 * `lodash.get` for the dot and bracket paths templates use (`a.b[0].c`), which is what the scaffolder's `pick`
 * filter calls.
 */
function get(value: unknown, path: unknown): unknown {
  if (typeof path !== 'string') return undefined;
  let cur: any = value;
  for (const seg of path.split(/[.[\]]+/).filter(Boolean)) {
    if (cur === null || cur === undefined) return undefined;
    cur = cur[seg];
  }
  return cur;
}

/**
 * The filters every scaffolder template can use, as in
 * `@backstage/plugin-scaffolder-backend` `lib/templating/filters/createDefaultFilters` (4.x), which the package
 * does not export.
 */
export function defaultFilters(integrations: ScmIntegrationRegistry): Record<string, TemplateFilter> {
  const repo = (url: unknown) => parseRepoUrl(String(url), integrations);
  return {
    parseRepoUrl: url => repo(url) as unknown as TemplateValue,
    parseEntityRef: (ref, context) =>
      parseEntityRef(ref as any, context as any) as unknown as TemplateValue,
    pick: (value, path) => get(value, path) as TemplateValue | undefined,
    projectSlug: url => {
      const { owner, repo: name } = repo(url);
      return `${owner}/${name}`;
    },
  };
}

export interface WorkflowRenderer {
  /** Renders every string in `input` against `context`, keeping JSON types, like a step's `input`. */
  render<T>(input: T, context: Record<string, unknown>): T;
}

/**
 * Renders step inputs and task outputs the way the scaffolder's workflow runner does
 * (`NunjucksWorkflowRunner` in `@backstage/plugin-scaffolder-backend` 4.x,
 * `dist/scaffolder/tasks/NunjucksWorkflowRunner.cjs.js`): one nunjitsu renderer with `allowRegexExecution` and
 * the default filters; each string rendered with `renderValue`, so that `${{ parameters.port }}` stays a number;
 * a string whose rendering throws is kept as written (the runner swallows the error the same way).
 */
export function createWorkflowRenderer(integrations: ScmIntegrationRegistry): WorkflowRenderer {
  const renderer = createTemplateRenderer({
    allowRegexExecution: true,
    filters: defaultFilters(integrations),
  });
  return {
    render<T>(input: T, context: Record<string, unknown>): T {
      // JSON round trip drops `undefined`, as the runner's does
      const prepared = renderer.prepareContext(JSON.parse(JSON.stringify(context)));
      return JSON.parse(JSON.stringify(input), (_key, value) => {
        if (typeof value !== 'string') return value;
        try {
          return renderer.renderValue(value, prepared);
        } catch {
          return value;
        }
      });
    },
  };
}
