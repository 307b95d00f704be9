import { InfoCard, LinkButton } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { Pillar } from '@posture-dev/backstage-plugin-posture-common';
import { coversPillars, describeGuarantees, templatePath } from '../../lib/guarantees';
import { useGoldenPaths } from '../../lib/useGoldenPaths';

/**
 * When checks fail, offer the golden-path templates whose guarantees cover
 * every failing pillar: starting from one may be cheaper than fixing in place.
 * Quiet on failure; it is a suggestion, not the page's subject.
 */
export function GoldenPathSuggestions(props: {
  failing: Pillar[];
  current: Partial<Record<Pillar, number | null>>;
}) {
  const { failing, current } = props;
  const { value, loading, error } = useGoldenPaths();
  if (failing.length === 0 || loading || error || !value) return null;
  const matching = value.filter(t => coversPillars(t.guarantees, failing, current));
  if (matching.length === 0) return null;
  return (
    <InfoCard title="Golden paths" subheader={`These templates guarantee better ${failing.join(' and ')} scores`}>
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
