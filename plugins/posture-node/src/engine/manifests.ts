import { parseAllDocuments } from 'yaml';
import { K8sObject, ObjectOrigin, arr, obj } from './k8s';

export interface ParseError {
  file?: string;
  documentIndex?: number;
  message: string;
}

export interface ParsedManifests {
  objects: K8sObject[];
  origins: ObjectOrigin[];
  errors: ParseError[];
}

/** Guards against "billion laughs" documents: yaml expands aliases lazily, and this caps it. */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses YAML or JSON text into objects: multi-document files, `kind: List`
 * (and `*List` kinds). A document that does not parse is reported with its
 * index and the others are still returned.
 */
export function parseManifests(text: string, file?: string): ParsedManifests {
  const out: ParsedManifests = { objects: [], origins: [], errors: [] };
  let docs;
  try {
    docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false });
  } catch (e) {
    out.errors.push({ file, message: `not YAML: ${(e as Error).message}` });
    return out;
  }
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, documentIndex) => {
    if (doc.errors.length > 0) {
      out.errors.push({
        file,
        documentIndex,
        message: `document ${documentIndex} does not parse: ${doc.errors[0].message.split('\n')[0]}`,
      });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      out.errors.push({
        file,
        documentIndex,
        message: `document ${documentIndex} cannot be read: ${(e as Error).message}`,
      });
      return;
    }
    if (value === null || value === undefined) return; // empty document
    const o = obj(value);
    if (!o) {
      out.errors.push({
        file,
        documentIndex,
        message: `document ${documentIndex} is not an object (it is ${Array.isArray(value) ? 'a list' : typeof value})`,
      });
      return;
    }
    const kind = typeof o.kind === 'string' ? o.kind : '';
    if (kind === 'List' || (kind.endsWith('List') && Array.isArray(o.items))) {
      for (const item of arr(o.items)) {
        const io = obj(item);
        if (!io) {
          out.errors.push({ file, documentIndex, message: `document ${documentIndex}: a List item is not an object` });
          continue;
        }
        out.objects.push(io);
        out.origins.push({ file, documentIndex });
      }
      return;
    }
    out.objects.push(o);
    out.origins.push({ file, documentIndex });
  });
  return out;
}
