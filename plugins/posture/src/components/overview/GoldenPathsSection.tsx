import { InfoCard, LinkButton, Progress } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { GOLDEN_PATH_TAG, GUARANTEES_ANNOTATION, describeGuarantees, templatePath } from '../../lib/guarantees';
import { useGoldenPaths } from '../../lib/useGoldenPaths';
import { RequestError } from '../common/RequestError';

/** Every golden-path template and what it guarantees: the cheapest way to a good score is to start with one. */
export function GoldenPathsSection() {
  const { value, loading, error, retry } = useGoldenPaths();
  return (
    <InfoCard title="Golden paths" subheader="Templates that start a service with a good posture">
      {loading && <Progress />}
      {error && <RequestError error={error} retry={retry} what="the golden-path templates" />}
      {value && value.length === 0 && (
        <Typography variant="body2">
          {`No templates are tagged ${GOLDEN_PATH_TAG}. Tag a template with it and declare what it guarantees in the ${GUARANTEES_ANNOTATION} annotation, e.g. "scalability=100,security=100,level=Gold,pss=restricted".`}
        </Typography>
      )}
      {value?.map(t => (
        <Box
          key={t.entityRef}
          display="flex"
          alignItems="center"
          justifyContent="space-between"
          flexWrap="wrap"
          mb={2}
          style={{ gap: 8 }}
          data-testid="posture-golden-path"
          data-template-ref={t.entityRef}
        >
          <Box>
            <Typography variant="body1" style={{ fontWeight: 500 }}>
              {t.title}
            </Typography>
            {t.description && (
              <Typography variant="body2" color="textSecondary">
                {t.description}
              </Typography>
            )}
            <Typography variant="caption">
              {t.guarantees
                ? `Guarantees ${describeGuarantees(t.guarantees)}`
                : `No valid ${GUARANTEES_ANNOTATION} annotation${t.rawGuarantees ? ` ("${t.rawGuarantees}")` : ''}`}
            </Typography>
          </Box>
          <LinkButton to={templatePath(t)} variant="contained" color="primary" size="small">
            Create from template
          </LinkButton>
        </Box>
      ))}
    </InfoCard>
  );
}
