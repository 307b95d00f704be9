import fs from 'node:fs';
import path from 'node:path';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { Stepper } from '@backstage/plugin-scaffolder-react/alpha';
import { parse } from 'yaml';

// The golden-path forms as a user meets them: each template's parameters are rendered by the scaffolder's own
// Stepper (the same validator, with ajv-errors, that /create uses), so a YAML slip such as an unquoted
// `ui:enumNames` entry with a comma shows up here as the option text a person would read.

const TEMPLATES = path.resolve(__dirname, '../../../templates');
const templateDirs = fs
  .readdirSync(TEMPLATES)
  .filter(d => fs.existsSync(path.join(TEMPLATES, d, 'template.yaml')));

type Step = { title: string; description?: string; [key: string]: unknown };

function loadSteps(dir: string): Step[] {
  const doc = parse(fs.readFileSync(path.join(TEMPLATES, dir, 'template.yaml'), 'utf8'));
  return doc.spec.parameters as Step[];
}

/** The manifest the scaffolder backend serves for one parameter page (`title` and `description` lifted out). */
function manifestOf(step: Step) {
  const { title, description, ...schema } = step;
  return { title, steps: [{ title, description, schema: schema as any }] };
}

async function renderStep(step: Step) {
  await renderInTestApp(<Stepper manifest={manifestOf(step)} extensions={[]} onCreate={async () => {}} />);
}

describe.each(templateDirs)('template %s', dir => {
  const steps = loadSteps(dir);

  it('offers the service mesh options with their whole labels, each selecting its own value', async () => {
    const step = steps.find(s => (s as any).properties?.mesh);
    expect(step).toBeDefined();
    const mesh = (step as any).properties.mesh;
    // one label per value: a label split on its comma would leave more labels than values
    expect(mesh['ui:enumNames']).toHaveLength(mesh.enum.length);

    await renderStep(step!);
    const select = await screen.findByRole('button', { name: /Istio/ });
    expect(select).toHaveTextContent('Istio (sidecar, STRICT mTLS)');
    fireEvent.mouseDown(select);
    const listbox = await screen.findByRole('listbox');
    const options = within(listbox).getAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual(['Istio (sidecar, STRICT mTLS)', 'Linkerd']);
    expect(options.map(o => o.getAttribute('data-value'))).toEqual(['0', '1']);
  });

  it('labels every enum of every page with one label per value', () => {
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (Array.isArray(o.enum) && Array.isArray(o['ui:enumNames'])) {
        expect(o['ui:enumNames']).toHaveLength(o.enum.length);
        for (const label of o['ui:enumNames']) expect(typeof label).toBe('string');
      }
      for (const v of Object.values(o)) walk(v);
    };
    for (const s of steps) walk(s);
  });

  it('explains a malformed name in words, not with the pattern', async () => {
    const service = steps.find(s => (s as any).properties?.name);
    expect(service).toBeDefined();
    // only the name: the owner and system pickers need the catalog, which this test does not run
    const props = (service as any).properties;
    await renderStep({ title: service!.title, type: 'object', required: ['name'], properties: { name: props.name } });
    const name = await screen.findByRole('textbox', { name: /^Name/ });

    fireEvent.change(name, { target: { value: 'Bad_Name' } });
    fireEvent.click(screen.getByRole('button', { name: /Review|Next/ }));
    await waitFor(() => expect(screen.getAllByText(/Use lower-case letters, digits and dashes/).length).toBeGreaterThan(0));
    expect(screen.queryByText(/must match pattern/)).toBeNull();

    fireEvent.change(name, { target: { value: 'kube-system' } });
    fireEvent.click(screen.getByRole('button', { name: /Review|Next/ }));
    await waitFor(() => expect(screen.getAllByText(/belongs to the cluster itself/).length).toBeGreaterThan(0));
    expect(screen.queryByText(/must NOT be valid/)).toBeNull();
  });

  it('gives every pattern in the form a message in words', () => {
    const walk = (node: unknown, where: string): void => {
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (typeof o.pattern === 'string') {
        expect({ where, message: (o.errorMessage as any)?.pattern }).toEqual({ where, message: expect.any(String) });
      }
      // the messages themselves are keyed by keyword (`errorMessage.pattern`): not a schema to check
      for (const [k, v] of Object.entries(o)) if (k !== 'errorMessage') walk(v, `${where}.${k}`);
    };
    for (const s of steps) walk(s, s.title);
  });
});
