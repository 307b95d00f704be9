import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import { GroupScope, TrendPoint } from '@posture-dev/backstage-plugin-posture-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { postureApiRef } from '../../api';
import { formatDateTime, formatScore } from '../../lib/format';
import { RequestError } from '../common/RequestError';
import { LineChart } from './LineChart';

/** The three average scores over time; with one distinct value, it says when a trend will appear. */
export function TrendView(props: { points: TrendPoint[]; id: string }) {
  const { points, id } = props;
  // the last point repeats the latest change at "now": distinct changes are what make a trend
  const changes = points.filter((p, i) => i === 0 || p.overall !== points[i - 1].overall || p.security !== points[i - 1].security || p.scalability !== points[i - 1].scalability);
  if (points.length === 0) {
    return (
      <Typography variant="body2" data-testid={`posture-trend-empty-${id}`}>
        No scores recorded yet: the trend starts with the first collection.
      </Typography>
    );
  }
  const last = points[points.length - 1];
  const summary = `Average overall score ${formatScore(last.overall)} over ${last.scored} scored service${last.scored === 1 ? '' : 's'}, ${changes.length} change${changes.length === 1 ? '' : 's'} since ${formatDateTime(points[0].at)}`;
  return (
    <>
      <LineChart
        id={id}
        title="Average score"
        times={points.map(p => p.at)}
        max={100}
        ticks={[0, 50, 70, 90, 100]}
        summary={summary}
        series={[
          { id: 'overall', label: 'Overall', color: '#1976d2', values: points.map(p => p.overall) },
          { id: 'scalability', label: 'Scalability', color: '#8e24aa', values: points.map(p => p.scalability), dashed: true },
          { id: 'security', label: 'Security', color: '#00897b', values: points.map(p => p.security), dashed: true },
        ]}
      />
      <Typography variant="body2" color="textSecondary" data-testid={`posture-trend-note-${id}`}>
        {changes.length <= 1
          ? `No change since ${formatDateTime(points[0].at)}: a trend appears once a collection changes a score.`
          : summary}
      </Typography>
    </>
  );
}

/** The org's trend, or a group's (its subtree or only what it owns). */
export function TrendCard(props: { group?: { namespace: string; name: string }; scope?: GroupScope; title?: string }) {
  const api = useApi(postureApiRef);
  const { group, scope } = props;
  const ns = group?.namespace;
  const name = group?.name;
  const { value, loading, error, retry } = useAsyncRetry(async () => {
    if (!api.getTrend) return undefined;
    return api.getTrend({ group: ns && name ? { namespace: ns, name } : undefined, scope });
  }, [api, ns, name, scope]);
  return (
    <InfoCard title={props.title ?? 'Trend'}>
      {loading && <Progress />}
      {error && <RequestError error={error} retry={retry} what="the trend" />}
      {value && <TrendView points={value.points} id={group ? 'group' : 'org'} />}
    </InfoCard>
  );
}
