import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { OverviewRow } from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';
import { levelName } from '../../lib/fixFirst';
import { formatScore, gradeColor } from '../../lib/format';
import { gradeLoaderFor } from '../../lib/gradeLoader';
import { usePostureTabLink } from '../../lib/links';

/** "Overall 42 · no level · PSS privileged": what the chip's letter stands for. */
export function describeGrade(row: OverviewRow): string {
  const level = levelName(row.level).replace(/^No level$/, 'no level');
  const parts = [`Overall ${formatScore(row.overall)}`, level === 'no level' ? level : `${level} level`];
  if (row.pssLevel) parts.push(`PSS ${row.pssLevel}`);
  return parts.join(' · ');
}

function Muted(props: { text: string; title: string }) {
  return (
    <Typography variant="body2" color="textSecondary" component="span" title={props.title} data-testid="posture-grade-cell">
      {props.text}
    </Typography>
  );
}

/** One catalog row's grade; the request is shared with every other cell of the page (PostureGradeLoader). */
export function PostureGradeCell(props: { entity: Entity }) {
  const { entity } = props;
  const api = useApi(postureApiRef);
  const tabLink = usePostureTabLink();
  const kind = entity.kind;
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const { value, loading, error } = useAsync(
    () => gradeLoaderFor(api).load({ kind, namespace, name }),
    [api, kind, namespace, name],
  );
  if (loading) return <Muted text="…" title="Loading the posture grade" />;
  if (error) return <Muted text="–" title={`Posture is not available: ${error.message}`} />;
  if (!value || value.state !== 'scored' || value.grade === null) {
    const why =
      value?.state === 'no-annotations'
        ? 'Not scored: the entity has no backstage.io/kubernetes-id annotation'
        : value?.state === 'no-workloads'
          ? 'Not scored: no workload matched the entity'
          : 'Not scored yet';
    return <Muted text="–" title={why} />;
  }
  const detail = describeGrade(value);
  return (
    <Link to={tabLink(stringifyEntityRef(entity))} underline="none" aria-label={`Posture grade ${value.grade}: ${detail}`}>
      <Chip
        size="small"
        clickable
        label={value.grade}
        title={detail}
        data-testid="posture-grade-cell"
        data-grade={value.grade}
        style={{ backgroundColor: gradeColor(value.grade), color: '#fff', fontWeight: 700, minWidth: 32 }}
      />
    </Link>
  );
}
