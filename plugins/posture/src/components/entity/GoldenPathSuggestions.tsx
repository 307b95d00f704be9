import { InfoCard, LinkButton } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { Pillar } from '@posture-dev/backstage-plugin-posture-common';
import { ServiceTraits, fitsService } from '../../lib/goldenPathFit';
import { coversPillars, describeGuarantees, templatePath } from '../../lib/guarantees';
import { useGoldenPaths } from '../../lib/useGoldenPaths';

/**
 * When checks fail, offer the golden-path templates whose guarantees cover
 * every failing pillar and that fit this service (its type, language and
 * workload kind): a template creates a new service, so it is offered as the
 * path for a rewrite or the next service, never as a fix. Quiet on failure;
 * it is a suggestion, not the page's subject.
 */
export function GoldenPathSuggestions(props: {
  failing: Pillar[];
  current: Partial<Record<Pillar, number | null>>;
  traits: ServiceTraits;
}) {
  const { failing, current, traits } = props;
  const { value, loading, error } = useGoldenPaths();
  if (failing.length === 0 || loading || error || !value) return null;
  const matching = value.filter(t => coversPillars(t.guarantees, failing, current) && fitsService(t, traits));
  if (matching.length === 0) return null;
  return (
    <InfoCard
      title="Golden paths for new services"
      subheader={`Starting a similar service? These templates create one with better ${failing.join(' and ')} scores from the start; they do not change this one.`}
    >
      {matching.map(t => (
        <Box
          key={t.entityRef}
          display="flex"
          alignItems="center"
          justifyContent="space-between"
          flexWrap="wrap"
          mb={1}
          style={{ gap: 8 }}
          data-testid="posture-golden-path-suggestion"
          data-template-ref={t.entityRef}
        >
          <Box>
            <Typography variant="body1">{t.title}</Typography>
            <Typography variant="caption" color="textSecondary">
              {`Guarantees ${describeGuarantees(t.guarantees)}`}
            </Typography>
          </Box>
          <LinkButton to={templatePath(t)} variant="outlined" color="primary" size="small">
            Use template
          </LinkButton>
        </Box>
      ))}
    </InfoCard>
  );
}
