import path from 'node:path';
import { Severity } from '@posture-dev/backstage-plugin-posture-common';
import { JsonCheck, JsonReportSummary, JsonResult, ReportResults, resultsView } from '../report';
import { STDIN_LABEL } from '../inputs';
import { jsonDocument } from '../jsonStream';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

/** GitHub code scanning ranks security alerts by this property (a CVSS-like 0-10). */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
};

/**
 * A page that explains the rule: the upstream standard it implements. The
 * PSS page for Pod Security Standards checks, else the Kubescape control.
 */
export function helpUriOf(c: JsonCheck): string | undefined {
  if (c.pssLevel || (c.references.pss?.length ?? 0) > 0) {
    return `https://kubernetes.io/docs/concepts/security/pod-security-standards/#${c.pssLevel ?? 'baseline'}`;
  }
  const control = c.references.kubescape?.[0];
  if (control) return `https://hub.armosec.io/docs/${control.toLowerCase()}`;
  return undefined;
}

/** A relative path as a URI reference with `/` separators; absolute paths as file: URIs. */
export function fileUri(file: string): string {
  const posix = file.split(path.sep).join('/');
  if (path.isAbsolute(file)) {
    return `file://${posix.startsWith('/') ? '' : '/'}${encodeURI(posix)}`;
  }
  return encodeURI(posix);
}

function ruleOf(c: JsonCheck) {
  const markdown = [
    c.remediation.text,
    '',
    c.rationale,
    ...(c.remediation.patch ? ['', '```yaml', c.remediation.patch.trimEnd(), '```'] : []),
  ].join('\n');
  const rule: Record<string, unknown> = {
    id: c.id,
    name: c.id
      .split('-')
      .map(w => w.charAt(0).toUpperCase() + w.slice(1))
      .join(''),
    shortDescription: { text: c.title },
    fullDescription: { text: c.rationale },
    help: { text: c.remediation.text, markdown },
    defaultConfiguration: { level: SARIF_LEVEL[c.severity] },
    properties: {
      tags: [c.pillar, c.category, ...(c.pssLevel ? [`pss-${c.pssLevel}`] : [])],
      severity: c.severity,
      ...(c.pillar === 'security' ? { 'security-severity': SECURITY_SEVERITY[c.severity] } : {}),
    },
  };
  const helpUri = helpUriOf(c);
  if (helpUri) rule.helpUri = helpUri;
  return rule;
}

function locationsOf(r: { file?: string; line?: number }, logical?: JsonResult) {
  const loc: Record<string, unknown> = {};
  if (r.file !== undefined && r.file !== STDIN_LABEL) {
    loc.physicalLocation = {
      artifactLocation: { uri: fileUri(r.file) },
      ...(r.line !== undefined ? { region: { startLine: r.line } } : {}),
    };
  }
  if (logical) {
    const s = logical.subject;
    const fqn = [s.kind, s.namespace, s.name].filter(x => x !== undefined).join('/');
    loc.logicalLocations = [
      { name: s.name, fullyQualifiedName: fqn, kind: 'resource' },
      ...logical.evidence.map(e => ({
        name: e.path,
        fullyQualifiedName: `${e.object ? [e.object.kind, e.object.namespace, e.object.name].filter(x => x !== undefined).join('/') : fqn}:${e.path}`,
        kind: 'property',
      })),
    ];
  }
  return Object.keys(loc).length > 0 ? [loc] : [];
}

/**
 * SARIF 2.1.0 for code scanning: a rule per check, a result per failing
 * (or exempted, as suppressed) check result. Results the engine could not
 * judge and unreadable inputs are tool execution notifications.
 */
export function* renderSarif(
  report: JsonReportSummary & { results: JsonResult[] | ReportResults },
): Generator<string> {
  const ruleIndex = new Map(report.checks.map((c, i) => [c.id, i]));
  const all = resultsView(report.results);
  // only these are copied into their report form (a large scan has 600k results, a quarter failing)
  const withStatus = (wanted: (s: JsonResult['status']) => boolean): JsonResult[] => {
    const out: JsonResult[] = [];
    for (let i = 0; i < all.length; i++) if (wanted(all.status(i))) out.push(all.at(i));
    return out;
  };
  const results = withStatus(s => s === 'fail' || s === 'exempt')
    .map(r => {
      const out: Record<string, unknown> = {
        ruleId: r.checkId,
        level: SARIF_LEVEL[r.severity],
        kind: 'fail',
        message: { text: `${r.subject.kind} ${r.subject.name}: ${r.message}` },
        locations: locationsOf(r, r),
        partialFingerprints: {
          // stable across runs while the finding stays, for alert tracking
          postureFinding: [r.checkId, r.subject.kind, r.subject.namespace ?? '', r.subject.name].join('/'),
        },
        properties: { pillar: r.pillar, severity: r.severity, evidence: r.evidence },
      };
      if (ruleIndex.has(r.checkId)) out.ruleIndex = ruleIndex.get(r.checkId);
      if (r.status === 'exempt' && r.exemption) {
        out.suppressions = [
          {
            kind: 'external',
            justification: r.exemption.until
              ? `${r.exemption.reason} (until ${r.exemption.until})`
              : r.exemption.reason,
          },
        ];
      }
      return out;
    });

  const notifications = [
    ...report.errors.map(e => ({
      level: 'error',
      message: { text: e.message },
      locations: locationsOf(e),
    })),
    ...withStatus(s => s === 'error')
      .map(r => ({
        level: 'error',
        message: { text: r.message },
        locations: locationsOf(r, r),
        associatedRule: { id: r.checkId },
      })),
  ];

  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'posture',
            version: report.tool.version,
            semanticVersion: report.tool.version,
            rules: report.checks.map(ruleOf),
          },
        },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
  // runs[0].results[i] is four levels down: stream down to it
  yield* jsonDocument(sarif, 4);
}
