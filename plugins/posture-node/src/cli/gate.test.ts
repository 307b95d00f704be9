import fs from 'node:fs';
import path from 'node:path';
import { parseXml, runInMemory, tempTree } from './testUtils';
import { inert } from './formats/inert';

const pod = (name: string, extra = '') => `apiVersion: v1
kind: Pod
metadata:
  name: ${JSON.stringify(name)}
${extra}spec:
  containers: [{name: c, image: x:1, securityContext: {privileged: true}}]
`;

describe('posture scan: files and sizes', () => {
  it('does not follow a directory symlink out of the scanned path, unless allowed, and never loops', async () => {
    const outside = tempTree({ 'evil.yaml': pod('outside') });
    const t = tempTree({ 'app/ok.yaml': pod('inside') });
    try {
      fs.symlinkSync(outside.dir, path.join(t.dir, 'app', 'escape'));
      fs.symlinkSync(path.join(t.dir, 'app'), path.join(t.dir, 'app', 'loop'));
      const run = await runInMemory(['scan', 'app', '-f', 'json'], { cwd: t.dir });
      const report = JSON.parse(run.stdout);
      expect(report.results.map((r: any) => r.subject.name)).not.toContain('outside');
      expect(run.stderr).toContain('app/escape: symbolic link to outside the scanned paths is not followed (allow it with --follow-symlinks)');
      // the loop is walked once: one file read, no directory the walk gave up on, one warning line
      expect(report.summary.files).toBe(1);
      expect(run.stderr).not.toMatch(/cannot read directory|ELOOP|ENAMETOOLONG/);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      const allowed = await runInMemory(['scan', 'app', '-f', 'json', '--follow-symlinks'], { cwd: t.dir });
      expect(JSON.parse(allowed.stdout).results.map((r: any) => r.subject.name)).toContain('outside');
    } finally {
      t.cleanup();
      outside.cleanup();
    }
  });

  it('refuses input past the total size or file count with one line', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 5; i++) files[`m${i}.yaml`] = pod(`p${i}`) + `# ${'x'.repeat(300 * 1024)}\n`;
    const t = tempTree(files);
    try {
      const bytes = await runInMemory(['scan', '.', '--max-total-size', '1'], { cwd: t.dir });
      expect(bytes.code).toBe(2);
      expect(bytes.stderr).toMatch(/^posture: the input passes the 1\.0 MB total limit at m3\.yaml: it is refused \(raise it with --max-total-size\)\n$/);
      const count = await runInMemory(['scan', '.', '--max-files', '3'], { cwd: t.dir });
      expect(count.code).toBe(2);
      expect(count.stderr).toBe('posture: more than 3 manifest files: the input is refused (raise it with --max-files)\n');
    } finally {
      t.cleanup();
    }
  });

  it('rejects a duplicate key, naming the key and its line, and a gate fails on it', async () => {
    const t = tempTree({
      'd.yaml': pod('dup').replace('securityContext: {privileged: true}', 'securityContext: {privileged: true, privileged: false}'),
      'ok.yaml': pod('fine').replace('privileged: true', 'privileged: false'),
    });
    try {
      const alone = await runInMemory(['scan', 'd.yaml'], { cwd: t.dir });
      expect(alone.code).toBe(2);
      // the line is the document's start (the report's schema), the message names the key's own line
      expect(alone.stderr).toContain('d.yaml:1: document 0 has a duplicate key "privileged" at line 6');
      const gated = await runInMemory(['scan', '.', '--fail-on', 'critical', '-f', 'json'], { cwd: t.dir });
      expect(gated.code).toBe(1);
      expect(JSON.parse(gated.stdout).errors.map((e: any) => e.message)).toEqual([
        'document 0 has a duplicate key "privileged" at line 6 (kubectl rejects it; remove one of them)',
      ]);
      expect(gated.stderr).toContain('1 input error');
    } finally {
      t.cleanup();
    }
  });

  it('says a file of only null documents holds no object', async () => {
    const t = tempTree({ 'n.yaml': 'null\n---\n~\n' });
    try {
      const run = await runInMemory(['scan', 'n.yaml'], { cwd: t.dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("n.yaml:1: document 0 is null: it holds no object");
    } finally {
      t.cleanup();
    }
  });
});

describe('posture scan: output is inert', () => {
  it('neutralises control characters in names in the table, and JSON escapes them', async () => {
    const forged = 'x\n::error file=a::pwned\n  level Gold\u001b[2J\u0007';
    const t = tempTree({ 'f.yaml': pod(forged) });
    try {
      const table = await runInMemory(['scan', 'f.yaml'], { cwd: t.dir });
      for (const line of `${table.stdout}${table.stderr}`.split('\n')) {
        expect(line).not.toMatch(/^\s*::error|^\s*level Gold/);
      }
      expect(table.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
      expect(table.stdout).toContain('x\\n::error file=a::pwned\\n  level Gold^[[2J\\u0007');
      const json = await runInMemory(['scan', 'f.yaml', '-f', 'json'], { cwd: t.dir });
      expect(JSON.parse(json.stdout).results[0].subject.name).toBe(forged);
      // only the document's own line breaks: every control character inside a string is escaped
      expect(json.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
      expect(json.stdout.split('\n').some(l => l.trimStart().startsWith('::error'))).toBe(false);
    } finally {
      t.cleanup();
    }
  });

  it.each(['json', 'sarif', 'junit'])('escapes every control character in --format %s, and the value survives', async format => {
    // C0 (LF, CR, TAB, ESC, BEL), DEL, C1 (CSI) and the Unicode line separators
    const forged = 'x\n::error file=a::pwned\r\n  level Gold\t\u001b[2J\u0007\u007f\u009b31m\u2028::warning::y';
    const t = tempTree({ 'f.yaml': pod(forged) });
    try {
      const run = await runInMemory(['scan', 'f.yaml', '-f', format], { cwd: t.dir });
      expect(run.code).toBe(0);
      // only the document's own line breaks: no line of it can start a workflow command or a fake summary
      // eslint-disable-next-line no-control-regex
      expect(run.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
      for (const line of run.stdout.split('\n')) expect(line).not.toMatch(/^\s*(::(error|warning)|level Gold)/);
      // ESC and BEL cannot be written in XML 1.0, not even as references: JUnit replaces them and keeps the rest
      // eslint-disable-next-line no-control-regex
      const kept = forged.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '\uFFFD');
      const survives: Record<string, () => boolean> = {
        json: () => JSON.parse(run.stdout).results[0].subject.name === forged,
        sarif: () => JSON.parse(run.stdout).runs[0].results[0].message.text.includes(forged),
        junit: () =>
          parseXml(run.stdout)
            .children.flatMap(s => s.children.map(c => c.attrs.name))
            .some(n => n.endsWith(`Pod/default/${kept}`)),
      };
      expect(survives[format]()).toBe(true);
    } finally {
      t.cleanup();
    }
  });

  it('maps every control character to a visible escape', () => {
    expect(inert('a\rb\tc\u0000d\u009be\u2028')).toBe('a\\rb\\tc\\u0000d\\u009be\\u2028');
  });

  it('lists every exemption in the table output', async () => {
    const annotated = pod(
      'svc',
      '  annotations:\n    posture.backstage.io/exempt: pss-allow-privilege-escalation\n    posture.backstage.io/exempt-reason: "SEC-42 agent needs it until Q3"\n',
    );
    const t = tempTree({ 'e.yaml': annotated });
    try {
      const run = await runInMemory(['scan', 'e.yaml'], { cwd: t.dir });
      expect(run.stdout).toContain('Exemptions (1)');
      expect(run.stdout).toContain('exempt  pss-allow-privilege-escalation  Pod/svc  by annotation: SEC-42 agent needs it until Q3');
    } finally {
      t.cleanup();
    }
  });

  it('lists exemptions from the platform config too, critical ones included', async () => {
    const t = tempTree({
      'e.yaml': pod('agent'),
      'posture.yaml': 'exemptions:\n  - checks: [pss-privileged]\n    name: agent\n    reason: "PLAT-7 node agent, reviewed by security"\n',
    });
    try {
      const run = await runInMemory(['scan', 'e.yaml', '--config', 'posture.yaml'], { cwd: t.dir });
      expect(run.stdout).toContain('Exemptions (1)');
      expect(run.stdout).toContain('exempt  pss-privileged  Pod/agent  by config: PLAT-7 node agent, reviewed by security');
    } finally {
      t.cleanup();
    }
  });
});
