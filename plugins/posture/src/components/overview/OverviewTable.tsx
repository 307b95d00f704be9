import { Link } from '@backstage/core-components';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import Typography from '@material-ui/core/Typography';
import { OverviewRow, OverviewSortField } from '@posture-dev/backstage-plugin-posture-common';
import { formatDateTime, formatScore, scoreColor } from '../../lib/format';
import { usePostureTabLink } from '../../lib/links';
import { PAGE_SIZES } from '../../lib/overviewQuery';
import { useDisplayNames } from '../../lib/useDisplayNames';
import { GradeBadge, LevelBadge, PssBadge } from '../common/Badges';

const useStyles = makeStyles({
  // headers never break inside a word ("Scalabi lity"): they keep their width and the table scrolls instead
  header: { whiteSpace: 'nowrap', wordBreak: 'keep-all' },
});

/** Why a service has no score, in words (the API's state tokens are for machines). */
const STATE_TEXT: Record<string, string> = {
  'no-annotations': 'Not linked to Kubernetes (no kubernetes-id annotation)',
  'no-workloads': 'No matching workloads found',
};

interface Column {
  id: string;
  label: string;
  sort?: OverviewSortField;
  numeric?: boolean;
}

const COLUMNS: Column[] = [
  { id: 'name', label: 'Service', sort: 'name' },
  { id: 'scalability', label: 'Scalability', sort: 'scalability', numeric: true },
  { id: 'security', label: 'Security', sort: 'security', numeric: true },
  { id: 'overall', label: 'Overall', sort: 'overall', numeric: true },
  { id: 'grade', label: 'Grade', sort: 'grade' },
  { id: 'level', label: 'Level', sort: 'level' },
  { id: 'pss', label: 'PSS' },
  { id: 'owner', label: 'Owner', sort: 'owner' },
  { id: 'system', label: 'System', sort: 'system' },
  { id: 'clusters', label: 'Clusters' },
  { id: 'lastChangedAt', label: 'Last change', sort: 'lastChangedAt' },
];

export interface OverviewTableProps {
  rows: OverviewRow[];
  total: number;
  page: number;
  pageSize: number;
  sort?: OverviewSortField;
  order?: 'asc' | 'desc';
  onSort: (field: OverviewSortField) => void;
  onPage: (page: number) => void;
  onPageSize: (size: number) => void;
}

function RefCell(props: { entityRef: string | null; displayName: (ref: string) => string }) {
  const entityLink = useEntityRefLink();
  if (!props.entityRef) return <>–</>;
  return (
    <Link to={entityLink(props.entityRef)} title={props.entityRef}>
      {props.displayName(props.entityRef)}
    </Link>
  );
}

/** Sorting and paging are done by the server; this table only renders one page and reports clicks. */
export function OverviewTable(props: OverviewTableProps) {
  const { rows, total, page, pageSize, sort, order, onSort, onPage, onPageSize } = props;
  const tabLink = usePostureTabLink();
  const classes = useStyles();
  const displayName = useDisplayNames(rows.flatMap(r => [r.owner, r.system]));
  return (
    <>
      <TableContainer>
        <Table size="small" aria-label="Services by posture" data-testid="posture-overview-table">
          <TableHead>
            <TableRow>
              {COLUMNS.map(col => (
                <TableCell
                  key={col.id}
                  className={classes.header}
                  align={col.numeric ? 'right' : 'left'}
                  sortDirection={col.sort && sort === col.sort ? order ?? 'asc' : false}
                >
                  {col.sort ? (
                    <TableSortLabel
                      active={sort === col.sort}
                      direction={sort === col.sort ? order ?? 'asc' : 'asc'}
                      onClick={() => onSort(col.sort!)}
                      data-testid={`posture-sort-${col.sort}`}
                    >
                      {col.label}
                    </TableSortLabel>
                  ) : (
                    col.label
                  )}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.length === 0 && (
              <TableRow>
                <TableCell colSpan={COLUMNS.length}>
                  <Typography variant="body2" data-testid="posture-overview-empty">
                    No services match these filters.
                  </Typography>
                </TableCell>
              </TableRow>
            )}
            {rows.map(r => (
              <TableRow key={r.entityRef} hover data-testid="posture-overview-row" data-entity-ref={r.entityRef}>
                <TableCell>
                  <Link to={tabLink(r.entityRef)}>{r.title ?? r.name}</Link>
                  {r.state !== 'scored' && (
                    <Typography variant="caption" color="textSecondary" component="div" data-testid="posture-row-state">
                      {STATE_TEXT[r.state] ?? 'Not scored'}
                    </Typography>
                  )}
                </TableCell>
                <TableCell align="right" style={{ color: scoreColor(r.scalability), fontWeight: 600 }}>
                  {formatScore(r.scalability)}
                </TableCell>
                <TableCell align="right" style={{ color: scoreColor(r.security), fontWeight: 600 }}>
                  {formatScore(r.security)}
                </TableCell>
                <TableCell align="right" style={{ color: scoreColor(r.overall), fontWeight: 600 }}>
                  {formatScore(r.overall)}
                </TableCell>
                <TableCell>
                  <GradeBadge grade={r.grade} />
                </TableCell>
                <TableCell>{r.level ? <LevelBadge level={r.level} /> : '–'}</TableCell>
                <TableCell>
                  <PssBadge level={r.pssLevel} />
                </TableCell>
                <TableCell>
                  <RefCell entityRef={r.owner} displayName={displayName} />
                </TableCell>
                <TableCell>
                  <RefCell entityRef={r.system} displayName={displayName} />
                </TableCell>
                <TableCell>{r.clusters.join(', ') || '–'}</TableCell>
                <TableCell>{formatDateTime(r.lastChangedAt)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
      <TablePagination
        component="div"
        count={total}
        page={total === 0 ? 0 : Math.min(page, Math.max(0, Math.ceil(total / pageSize) - 1))}
        rowsPerPage={pageSize}
        rowsPerPageOptions={[...PAGE_SIZES]}
        onPageChange={(_, p) => onPage(p)}
        onRowsPerPageChange={e => onPageSize(Number(e.target.value))}
        data-testid="posture-pagination"
      />
    </>
  );
}
