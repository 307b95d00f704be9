import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { TemplateAction, createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { SEVERITIES, Severity, levelDrop } from '@posture-dev/backstage-plugin-posture-common';
import {
  Check,
  EngineConfig,
  resolveEngineConfig,
  scanManifests,
} from '@posture-dev/backstage-plugin-posture-node';
import { inert } from './inert';
import { readManifests } from './readManifests';

const LEVELS = ['Gold', 'Silver', 'Bronze', 'None'] as const;

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
          z.array(
            z.object({
              checkId: z.string(),
              severity: z.string(),
              subject: z.string(),
              message: z.string(),
              evidence: z.array(z.string()),
            }),
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
        throw new Error(
          `Manifests do not parse:\n${report.parseErrors.map(e => `  ${inert(`${e.file}${e.line !== undefined ? `:${e.line}` : ''}: ${e.message}`)}`).join('\n')}`,
        );
      }
      const { summary } = report;
      const failing = report.results.filter(r => r.status === 'fail' || r.status === 'error');
      const failingChecks = failing.map(r => ({
        checkId: r.checkId,
        severity: r.severity,
        subject: `${r.subject.kind}/${r.subject.namespace ? `${r.subject.namespace}/` : ''}${r.subject.name}`,
        message: r.message,
        evidence: r.evidence.map(e => (e.container ? `${e.path} (container ${e.container})` : e.path)),
      }));
      ctx.logger.info(
        `Posture of ${inputs.length} file(s): scalability ${summary.scores.scalability ?? '-'} (${summary.grades.scalability ?? '-'}), security ${summary.scores.security ?? '-'} (${summary.grades.security ?? '-'}), level ${summary.level}, Pod Security ${summary.pssLevel}`,
      );
      for (const f of failingChecks) {
        ctx.logger.info(`  ✗ ${inert(`[${f.severity}] ${f.checkId} on ${f.subject}: ${f.message}${f.evidence.length ? ` at ${f.evidence.join(', ')}` : ''}`)}`);
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
        const over = failingChecks.filter(f => SEVERITIES.indexOf(f.severity as Severity) <= worst);
        if (over.length > 0) problems.push(`${over.length} failing check(s) at severity ${ctx.input.failOn} or worse`);
      }

      ctx.output('scores', summary.scores);
      ctx.output('grades', summary.grades);
      ctx.output('level', summary.level);
      ctx.output('pssLevel', summary.pssLevel);
      ctx.output('failingChecks', failingChecks);

      if (problems.length > 0) {
        const detail = failingChecks
          .map(f => `  - ${inert(`${f.checkId} [${f.severity}] on ${f.subject}: ${f.message}${f.evidence.length ? ` (${f.evidence.join(', ')})` : ''}`)}`)
          .join('\n');
        throw new Error(`Posture thresholds not met: ${problems.join('; ')}\nFailing checks:\n${detail}`);
      }
    },
  });
}
