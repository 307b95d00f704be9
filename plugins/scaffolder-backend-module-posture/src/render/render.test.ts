import fs from 'node:fs';
import path from 'node:path';
import {
  applyDefaults,
  cleanUpTemporaryDirectories,
  loadTemplate,
  makeTemporaryDirectory,
  runTemplate,
  validateParameters,
  workflowRenderer,
} from './__testUtils__';

afterAll(cleanUpTemporaryDirectories);

function writeTemplate(files: Record<string, string>): string {
  const dir = makeTemporaryDirectory('render-test-');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return path.join(dir, 'template.yaml');
}

describe('step input rendering', () => {
  it('keeps the type of a sole expression and renders text around one to a string', () => {
    const out = workflowRenderer.render(
      { n: '${{ parameters.n }}', s: 'port ${{ parameters.n }}', list: ['${{ parameters.flag }}'], gone: '${{ parameters.missing }}' },
      { parameters: { n: 8080, flag: false } },
    );
    expect(out).toEqual({ n: 8080, s: 'port 8080', list: [false] });
  });

  it('has the scaffolder default filters', () => {
    const out = workflowRenderer.render(
      {
        slug: '${{ parameters.repoUrl | projectSlug }}',
        owner: "${{ (parameters.repoUrl | parseRepoUrl).owner }}",
        kind: "${{ (parameters.owner | parseEntityRef).kind }}",
        picked: "${{ parameters.nested | pick('a.b') }}",
      },
      { parameters: { repoUrl: 'github.com?owner=acme&repo=web', owner: 'group:default/team-a', nested: { a: { b: 3 } } } },
    );
    expect(out).toEqual({ slug: 'acme/web', owner: 'acme', kind: 'group', picked: 3 });
  });

  it('keeps a string as written when it does not render, as the workflow runner does', () => {
    expect(workflowRenderer.render({ x: '${{ parameters.a | noSuchFilter }}' }, { parameters: { a: 1 } })).toEqual({
      x: '${{ parameters.a | noSuchFilter }}',
    });
  });
});

describe('runTemplate', () => {
  const file = writeTemplate({
    'template.yaml': `
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: t }
spec:
  parameters:
    - required: [name]
      properties:
        name: { type: string }
        replicas: { type: integer, default: 2, minimum: 2 }
        exposure: { type: string, enum: [internal, external], default: internal }
      dependencies:
        exposure:
          oneOf:
            - properties: { exposure: { const: internal } }
            - required: [host]
              properties:
                exposure: { const: external }
                host: { type: string }
                className: { type: string, default: nginx }
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
          replicas: \${{ parameters.replicas }}
          host: \${{ parameters.host }}
    - id: publish
      action: publish:github
      input: { repoUrl: x }
  output:
    links:
      - url: \${{ steps['publish'].output.remoteUrl }}
`,
    'skeleton/\${{ values.name }}.txt': 'replicas=\${{ values.replicas + 1 }}{% if values.host %} host=\${{ values.host }}{% endif %}\n',
    'skeleton/ci.yaml': 'a: {% raw %}\${{ github.sha }}{% endraw %}\nb: \${{ values.name }}\n',
  });
  const template = loadTemplate(file);

  it('renders file names and contents with the real fetch:template, and raw blocks verbatim', async () => {
    const run = await runTemplate(template, { name: 'web' }, { mockOutputs: { 'publish:github': { remoteUrl: 'https://r' } } });
    expect(run.failed).toBeUndefined();
    expect(fs.readFileSync(path.join(run.workspacePath, 'web.txt'), 'utf8')).toBe('replicas=3\n');
    expect(fs.readFileSync(path.join(run.workspacePath, 'ci.yaml'), 'utf8')).toBe('a: ${{ github.sha }}\nb: web\n');
    expect(run.steps.fetch.input).toEqual({ url: './skeleton', values: { name: 'web', replicas: 2 } });
    expect(run.output).toEqual({ links: [{ url: 'https://r' }] });
  });

  it('applies the defaults of the dependency branch the values select', async () => {
    expect(applyDefaults(template.entity.spec.parameters, { exposure: 'external' })).toEqual({
      exposure: 'external',
      replicas: 2,
      className: 'nginx',
    });
    const run = await runTemplate(template, { name: 'web', exposure: 'external', host: 'h.example.com' }, {
      mockOutputs: { 'publish:github': {} },
    });
    expect(fs.readFileSync(path.join(run.workspacePath, 'web.txt'), 'utf8')).toBe('replicas=3 host=h.example.com\n');
  });

  it('validates like the scaffolder backend, and fails on actions it cannot run', async () => {
    expect(validateParameters(template.entity.spec.parameters, { name: 'web', replicas: 1 })).toHaveLength(1);
    expect(validateParameters(template.entity.spec.parameters, { name: 'web', exposure: 'external' })).not.toEqual([]);
    await expect(runTemplate(template, { replicas: 2 })).rejects.toThrow(/Invalid parameters/);
    await expect(runTemplate(template, { name: 'web' })).rejects.toThrow(/no implementation or mock for action publish:github/);
  });
});
