import { splitYamlDocuments } from '../engine/yamlDocuments';


/**
 * The 1-based line where each YAML document of `text` starts, numbered the
 * way the manifest parser numbers documents (it splits with the same scan).
 */
export function documentStartLines(text: string): number[] {
  return splitYamlDocuments(text).map(d => d.line);
}

export interface DocumentSpan {
  /** 1-based line where the document starts */
  line: number;
  /** false for a document that is only a marker and comments */
  hasContent: boolean;
}

/** The documents of a YAML stream, as {@link documentStartLines} counts them. */
export function yamlDocuments(text: string): DocumentSpan[] {
  return splitYamlDocuments(text).map(d => ({ line: d.line, hasContent: d.hasContent }));
}
