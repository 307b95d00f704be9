import { CheckMetadata, CheckResult, Scorecard, scoreResults } from '@posture-dev/backstage-plugin-posture-common';
import { Check } from './engine/check';
import { EngineConfig, resolveEngineConfig } from './engine/config';
import { EngineOutput, evaluate } from './engine/engine';
import { K8sObject, ObjectOrigin } from './engine/k8s';
import { ParseError, parseManifests } from './engine/manifests';
import { builtInChecks } from './checks/catalog';

export interface ManifestInput {
  file?: string;
  text: string;
}

export interface ScanReport extends EngineOutput {
  /** documents that could not be read; they were skipped, the rest was scanned */
  parseErrors: ParseError[];
  /** the score of everything scanned together */
  summary: Scorecard;
  /** per input, in order: the 1-based start line of each of its documents (`documentIndex` indexes it) */
  documentLines: { file?: string; lines: number[] }[];
  /** objects read from the input, List items counted one by one */
  objectCount: number;
}

/**
 * Parses and scores manifests: what the CLI and the scaffolder action run.
 * Pure: the caller reads the files.
 */
export function scanManifests(
  inputs: ManifestInput[],
  options: { config?: EngineConfig; checks?: Check[]; now?: number } = {},
): ScanReport {
  const config = options.config ?? resolveEngineConfig({});
  const objects: K8sObject[] = [];
  const origins: ObjectOrigin[] = [];
  const parseErrors: ParseError[] = [];
  const documentLines: ScanReport['documentLines'] = [];
  const state = { generated: 0 };
  for (const input of inputs) {
    const parsed = parseManifests(input.text, input.file, { state });
    // one by one: a 130k-item List must not become 130k call arguments
    for (let i = 0; i < parsed.objects.length; i++) {
      objects.push(parsed.objects[i]);
      origins.push(parsed.origins[i]);
    }
    for (const e of parsed.errors) parseErrors.push(e);
    documentLines.push({ file: input.file, lines: parsed.documents.map(d => d.line) });
  }
  const output = evaluate(
    { objects, origins, mode: 'manifest' },
    options.checks ?? builtInChecks,
    { config, now: options.now },
  );
  const pssLevels = new Map(output.checks.map((c: CheckMetadata) => [c.id, c.pssLevel]));
  const summary = scoreResults(output.results as CheckResult[], {
    weights: config.weights,
    pssLevelOf: id => pssLevels.get(id),
  });
  return { ...output, parseErrors, summary, documentLines, objectCount: objects.length };
}
