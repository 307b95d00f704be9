import { validate } from 'jsonschema';

/** One page of a template's `spec.parameters`: a JSON Schema object. */
export interface ParameterPage {
  title?: string;
  required?: string[];
  properties?: Record<string, PropertySchema>;
  dependencies?: Record<string, { oneOf?: ParameterPage[] } | string[]>;
}

export interface PropertySchema {
  type?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  [key: string]: unknown;
}

export function pagesOf(parameters: unknown): ParameterPage[] {
  if (parameters === undefined || parameters === null) return [];
  return (Array.isArray(parameters) ? parameters : [parameters]) as ParameterPage[];
}

/** The branch of a `dependencies: {key: {oneOf}}` that the value of `key` selects, as the form picks it. */
function selectedBranch(branches: ParameterPage[], key: string, value: unknown): ParameterPage | undefined {
  return branches.find(b => {
    const s = b.properties?.[key];
    if (!s) return false;
    if ('const' in s) return s.const === value;
    if (s.enum) return s.enum.includes(value);
    return false;
  });
}

/**
 * Fills in the `default`s the form would show, page by page, including those of the dependency branches the
 * chosen values open (e.g. the Ingress fields of `exposure: external`). Values given win.
 */
export function applyDefaults(parameters: unknown, given: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = { ...given };
  const fill = (props: Record<string, PropertySchema> | undefined) => {
    for (const [key, schema] of Object.entries(props ?? {})) {
      if (values[key] === undefined && schema.default !== undefined) values[key] = schema.default;
    }
  };
  for (const page of pagesOf(parameters)) {
    fill(page.properties);
    for (const [key, dep] of Object.entries(page.dependencies ?? {})) {
      if (Array.isArray(dep) || !dep.oneOf || values[key] === undefined) continue;
      fill(selectedBranch(dep.oneOf, key, values[key])?.properties);
    }
  }
  return values;
}

/**
 * Validates the values against every page, as the scaffolder backend does before it creates a task
 * (`jsonschema.validate(values, page)` for each page in `service/router`).
 */
export function validateParameters(parameters: unknown, values: Record<string, unknown>): string[] {
  return pagesOf(parameters).flatMap(page =>
    validate(values, page as any).errors.map(e => `${page.title ?? 'parameters'}: ${e.stack}`),
  );
}
