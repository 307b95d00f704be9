import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { TemplateAction, createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { SEVERITIES, Severity, levelDrop } from '@posture-dev/backstage-plugin-posture-common';
import {
  Check,
  EngineConfig,
  resolveEngineConfig,
  scanManifests,
} from '@posture-dev/backstage-plugin-posture-node';
import { MAX_LISTED, listLines } from './bounded';
import { readManifests } from './readManifests';

const LEVELS = ['Gold', 'Silver', 'Bronze', 'None'] as const;

/**
 * Most entries in the `failingChecks` output. It has one entry per failing check per workload, so
 * a few thousand workloads made 60,000 entries (megabytes in the task's state) that no template
 * step could use. The entries kept are the most severe; the log and the failure message give the
 * full count. The limit is stated in the output's description.
 */
const MAX_FAILING_CHECKS_OUTPUT = 1000;

/**
 * What `posture:score` takes. Written out rather than inferred from the zod schema, so that the
 * published API is the same in every checkout (API Extractor printed the inferred members in a
 * different order from one clone to the next).
 *
 * @public
 */
export type PostureScoreInput = {
  path: string;
  minScore: { scalability?: number; security?: number };
  minLevel?: 'Gold' | 'Silver' | 'Bronze' | 'None';
  failOn?: Severity;
};

/**
 * What `posture:score` returns.
 *
 * @public
 */
export type PostureScoreOutput = {
  scores: { scalability: number | null; security: number | null };
  grades: { scalability: string | null; security: string | null; overall: string | null };
  level: string;
  pssLevel: string;
  failingChecks: { checkId: string; severity: string; subject: string; message: string; evidence: string[] }[];
};

/**
 * `posture:score`: scores the manifests a template rendered with the same
 * engine as the backend and the CLI, and fails the task when they fall short.
 *
 * @public
 */
export function createPostureScoreAction(
  options: { engineConfig?: EngineConfig; checks?: Check[] } = {},
): TemplateAction<PostureScoreInput, PostureScoreOutput, 'v2'> {
  return createTemplateAction({
    id: 'posture:score',
    description:
      'Scores the Kubernetes manifests under a workspace path for scalability and security, and fails when a threshold is crossed.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Require a perfect score, level Gold, and no failing check',
        example: [
          'steps:',
          '  - id: posture',
          '    name: Check posture',
          '    action: posture:score',
          '    input:',
          '      path: ./deploy',
          '      minScore: { scalability: 100, security: 100 }',
          '      minLevel: Gold',
          '      failOn: low',
        ].join('\n'),
      },
    ],
    schema: {
      input: {
        path: z => z.string().default('.').describe('Directory (or file) in the workspace to score'),
        minScore: z =>
          z
            .object({
              scalability: z.number().min(0).max(100).optional(),
              security: z.number().min(0).max(100).optional(),
            })
            .default({})
            .describe('Minimum score per pillar'),
        minLevel: z => z.enum(LEVELS).optional().describe('Minimum level: Gold, Silver or Bronze'),
        failOn: z =>
          z
            .enum(SEVERITIES as [Severity, ...Severity[]])
            .optional()
            .describe('Fail when any check of this severity or worse fails'),
      },
      output: {
        scores: z =>
          z.object({ scalability: z.number().nullable(), security: z.number().nullable() }),
        grades: z =>
          z.object({
            scalability: z.string().nullable(),
            security: z.string().nullable(),
            overall: z.string().nullable(),
          }),
        level: z => z.string(),
        pssLevel: z => z.string(),
        failingChecks: z =>
          z
            .array(
              z.object({
                checkId: z.string(),
                severity: z.string(),
                subject: z.string(),
                message: z.string(),
                evidence: z.array(z.string()),
              }),
            )
            .describe(
              `One entry per failing check per workload, most severe first; at most ${MAX_FAILING_CHECKS_OUTPUT} entries (the task log gives the full count)`,
            ),
      },
    },
    async handler(ctx) {
      // the scaffolder does not apply schema defaults to action input, so a template may leave these out
      const inputPath = ctx.input.path ?? '.';
      const minScore = ctx.input.minScore ?? {};
      const dir = resolveSafeChildPath(ctx.workspacePath, inputPath);
      const inputs = await readManifests(dir, ctx.workspacePath);
      if (inputs.length === 0) throw new Error(`No manifests found under ${inputPath}`);
      const report = scanManifests(inputs, {
        config: options.engineConfig ?? resolveEngineConfig({}),
        checks: options.checks,
      });
      if (report.parseErrors.length > 0) {
        const errors = report.parseErrors;
        throw new Error(
          [
            `Manifests do not parse: ${errors.length} error(s)`,
            ...listLines(errors, e => `${e.file}${e.line !== undefined ? `:${e.line}` : ''}: ${e.message}`),
          ].join('\n'),
        );
      }
      const { summary } = report;
      const rank = (severity: string) => SEVERITIES.indexOf(severity as Severity);
      // most severe first (a stable sort keeps the engine's order within a severity), so that the
      // items a bounded list keeps are the ones to fix first
      const failing = report.results
        .filter(r => r.status === 'fail' || r.status === 'error')
        .sort((a, b) => rank(a.severity) - rank(b.severity));
      const toEntry = (r: (typeof failing)[number]) => ({
        checkId: r.checkId,
        severity: r.severity,
        subject: `${r.subject.kind}/${r.subject.namespace ? `${r.subject.namespace}/` : ''}${r.subject.name}`,
        message: r.message,
        evidence: r.evidence.map(e => (e.container ? `${e.path} (container ${e.container})` : e.path)),
      });
      const failingChecks = failing.slice(0, MAX_FAILING_CHECKS_OUTPUT).map(toEntry);
      const bySeverity = SEVERITIES.map(sev => [sev, failing.filter(r => r.severity === sev).length] as const)
        .filter(([, n]) => n > 0)
        .map(([sev, n]) => `${n} ${sev}`)
        .join(', ');
      const listed = failing.length > MAX_LISTED ? `; the ${MAX_LISTED} most severe` : '';
      ctx.logger.info(
        `Posture of ${inputs.length} file(s): scalability ${summary.scores.scalability ?? '-'} (${summary.grades.scalability ?? '-'}), security ${summary.scores.security ?? '-'} (${summary.grades.security ?? '-'}), level ${summary.level}, Pod Security ${summary.pssLevel}`,
      );
      if (failing.length > 0) {
        // one summary line, then at most MAX_LISTED + 1 lines, however many workloads fail
        ctx.logger.info(`${failing.length} failing check(s): ${bySeverity}${listed}:`);
        for (const line of listLines(failing, r => {
          const f = toEntry(r);
          return `[${f.severity}] ${f.checkId} on ${f.subject}: ${f.message}${f.evidence.length ? ` at ${f.evidence.join(', ')}` : ''}`;
        }, '  ✗ ')) {
          ctx.logger.info(line);
        }
      }

      const problems: string[] = [];
      for (const pillar of ['scalability', 'security'] as const) {
        const min = minScore[pillar];
        const got = summary.scores[pillar];
        if (min !== undefined && (got === null || got < min)) {
          problems.push(`${pillar} score ${got ?? 'n/a'} is below ${min}`);
        }
      }
      if (ctx.input.minLevel && levelDrop(ctx.input.minLevel, summary.level) > 0) {
        problems.push(`level ${summary.level} is below ${ctx.input.minLevel}`);
      }
      if (ctx.input.failOn) {
        const worst = SEVERITIES.indexOf(ctx.input.failOn);
        // every failing check, not only those the bounded output keeps
        const over = failing.filter(r => rank(r.severity) <= worst);
        if (over.length > 0) problems.push(`${over.length} failing check(s) at severity ${ctx.input.failOn} or worse`);
      }

      ctx.output('scores', summary.scores);
      ctx.output('grades', summary.grades);
      ctx.output('level', summary.level);
      ctx.output('pssLevel', summary.pssLevel);
      ctx.output('failingChecks', failingChecks);

      if (problems.length > 0) {
        const lines = [`Posture thresholds not met: ${problems.join('; ')}`];
        if (failing.length > 0) {
          lines.push(`Failing checks (${failing.length}${failing.length > MAX_LISTED ? `, the ${MAX_LISTED} most severe listed` : ''}):`);
          const listed = listLines(failing, r => {
            const f = toEntry(r);
            return `${f.checkId} [${f.severity}] on ${f.subject}: ${f.message}${f.evidence.length ? ` (${f.evidence.join(', ')})` : ''}`;
          }, '  - ');
          for (const line of listed) lines.push(line);
        }
        throw new Error(lines.join('\n'));
      }
    },
  });
}
