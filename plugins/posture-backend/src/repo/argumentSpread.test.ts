import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Repo-wide guard: `f(...items)` passes every element as its own argument, and V8 throws
 * `RangeError: Maximum call stack size exceeded` past about 100k of them (one broad-selector
 * entity's results did exactly that and stopped every run). So product code may spread into a
 * call only an array literal, or a value marked `// bounded-spread: <why>` on the line before
 * (or the same line). Tests, benchmarks and generated files are exempt.
 */

const ROOT = path.resolve(__dirname, '../../../..');
const SOURCE_DIRS = ['plugins', 'packages'];
const SKIP_DIR = new Set(['node_modules', 'dist', 'dist-types', '__fixtures__', 'testUtils', '__testUtils__', 'e2e']);
const EXEMPT_FILE = /\.(test|spec|bench)\.(ts|tsx|js|mjs)$|\.generated\.ts$|\.d\.ts$/;
const MARKER = 'bounded-spread:';
/**
 * Reworked in the parser branch of issue 11/12 (the CLI, `scan.ts`' 130k-item List, the manifest
 * reader): skipped here until that branch is merged; then this list must be emptied.
 */

function productFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.') || SKIP_DIR.has(e.name)) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|tsx|mjs|js)$/.test(e.name) && !EXEMPT_FILE.test(e.name)) out.push(p);
    }
  };
  for (const d of SOURCE_DIRS) {
    for (const pkg of fs.readdirSync(path.join(ROOT, d))) {
      const src = path.join(ROOT, d, pkg, 'src');
      if (fs.existsSync(src)) walk(src);
    }
  }
  return out.sort();
}

/** Every spread argument of a call or `new` in `text`, as `line: code`, minus the allowed ones. */
export function unboundedSpreads(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const lines = text.split('\n');
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.arguments) {
      for (const arg of node.arguments) {
        if (!ts.isSpreadElement(arg)) continue;
        if (ts.isArrayLiteralExpression(arg.expression)) continue;
        const line = sf.getLineAndCharacterOfPosition(arg.getStart(sf)).line;
        const marked = lines[line].includes(MARKER) || (line > 0 && lines[line - 1].includes(MARKER));
        if (!marked) found.push(`${line + 1}: ${lines[line].trim()}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('spread of an array into a call', () => {
  it('finds spreads, and lets literals and marked bounded values pass', () => {
    const src = [
      'out.push(...results);',
      'Math.max(...[a, b]);',
      '// bounded-spread: one entry per configured cluster',
      'names.push(...clusters);',
      'new Set(...xs);',
      'const copy = [...results];',
    ].join('\n');
    expect(unboundedSpreads('x.ts', src)).toEqual(['1: out.push(...results);', '5: new Set(...xs);']);
  });

  it('occurs nowhere in product code without a reason', () => {
    const files = productFiles();
    expect(files.length).toBeGreaterThan(50);
    const offenders: string[] = [];
    for (const f of files) {
      for (const hit of unboundedSpreads(f, fs.readFileSync(f, 'utf8'))) {
        offenders.push(`${path.relative(ROOT, f)}:${hit}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
