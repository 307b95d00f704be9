import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliFs, CliIo } from './io';
import { runCli } from './index';

/** Test helpers for the CLI: run it in memory, make temp trees, check XML. */

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runInMemory(
  args: string[],
  opts: { cwd?: string; stdin?: AsyncIterable<Uint8Array | string>; fs?: Partial<CliFs>; env?: Record<string, string> } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string | Uint8Array) => (stdout += typeof s === 'string' ? s : Buffer.from(s).toString('utf8')), isTTY: false },
    stderr: { write: (s: string | Uint8Array) => (stderr += typeof s === 'string' ? s : Buffer.from(s).toString('utf8')) },
    stdin: opts.stdin,
    cwd: opts.cwd,
    env: opts.env ?? {},
    fs: opts.fs,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

export async function* chunks(...parts: (string | Uint8Array)[]): AsyncIterable<Uint8Array | string> {
  for (const p of parts) yield p;
}

/** A temp directory filled from `files` (relative path -> content); removed by the returned cleanup. */
export function tempTree(files: Record<string, string | Uint8Array>): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-cli-'));
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_][\w.-]*/;
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);/;
// XML 1.0 Char production
// eslint-disable-next-line no-control-regex
const BAD_CHAR = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function checkText(s: string, where: string) {
  if (BAD_CHAR.test(s)) throw new Error(`character not allowed in XML ${where}`);
  for (let i = s.indexOf('&'); i >= 0; i = s.indexOf('&', i + 1)) {
    if (!ENTITY.test(s.slice(i))) throw new Error(`bare & in ${where}: ${s.slice(i, i + 20)}`);
  }
}

function decode(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);/g, (_, e: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (named[e]) return named[e];
    return String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

/**
 * A strict XML 1.0 well-formedness check for the subset a report uses
 * (declaration, elements, attributes, text, comments): throws on the first
 * problem, returns the root element.
 */
export function parseXml(xml: string): XmlElement {
  let i = 0;
  const decl = /^<\?xml\s+version="1\.[01]"(\s+encoding="[A-Za-z0-9._-]+")?\s*\?>/.exec(xml);
  if (decl) i = decl[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (stack.length === 0) {
      if (text.trim()) throw new Error(`text outside the root element: ${text.trim().slice(0, 20)}`);
    } else {
      checkText(text, `text of <${stack[stack.length - 1].name}>`);
      if (text.includes(']]>')) throw new Error(']]> in text');
      stack[stack.length - 1].text += decode(text);
    }
    if (lt < 0) break;
    i = lt;
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 3;
      continue;
    }
    if (xml.startsWith('</', i)) {
      const m = /^<\/([A-Za-z_][\w.-]*)\s*>/.exec(xml.slice(i));
      if (!m) throw new Error(`bad end tag at ${i}`);
      const open = stack.pop();
      if (!open || open.name !== m[1]) throw new Error(`</${m[1]}> does not close <${open?.name}>`);
      i += m[0].length;
      continue;
    }
    const nameMatch = NAME.exec(xml.slice(i + 1));
    if (!nameMatch) throw new Error(`bad tag at ${i}: ${xml.slice(i, i + 20)}`);
    const el: XmlElement = { name: nameMatch[0], attrs: {}, children: [], text: '' };
    i += 1 + nameMatch[0].length;
    for (;;) {
      const ws = /^\s*/.exec(xml.slice(i))![0];
      i += ws.length;
      if (xml.startsWith('/>', i) || xml.startsWith('>', i)) break;
      if (!ws) throw new Error(`attributes of <${el.name}> must be separated by white space`);
      const a = /^([A-Za-z_][\w.:-]*)\s*=\s*"([^"<]*)"/.exec(xml.slice(i));
      if (!a) throw new Error(`bad attribute in <${el.name}>: ${xml.slice(i, i + 30)}`);
      if (a[1] in el.attrs) throw new Error(`duplicate attribute ${a[1]} in <${el.name}>`);
      checkText(a[2], `attribute ${a[1]}`);
      el.attrs[a[1]] = decode(a[2]);
      i += a[0].length;
    }
    if (stack.length > 0) stack[stack.length - 1].children.push(el);
    else if (root) throw new Error('more than one root element');
    else root = el;
    if (xml.startsWith('/>', i)) i += 2;
    else {
      i += 1;
      stack.push(el);
    }
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1].name}> is not closed`);
  if (!root) throw new Error('no root element');
  return root;
}
