import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import { OverviewQuery } from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';

/** Saves text as a file without a round trip to the server (the fetch carries the user's token, a plain link would not). */
export function downloadText(text: string, filename: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    a.style.display = 'none';
    document.body.appendChild(a);
    a.click();
    a.remove();
  } finally {
    // revoked on the next tick: some browsers start the download asynchronously
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}

/** Exports every row matching the current filter, not only the visible page. */
export function ExportCsvButton(props: { query: OverviewQuery }) {
  const api = useApi(postureApiRef);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const onClick = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const csv = await api.getOverviewCsv(props.query);
      downloadText(csv, `posture-${new Date().toISOString().slice(0, 10)}.csv`, 'text/csv;charset=utf-8');
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box display="flex" alignItems="center" style={{ gap: 8 }}>
      <Button
        variant="outlined"
        color="primary"
        onClick={onClick}
        disabled={busy}
        startIcon={busy ? <CircularProgress size={16} /> : <GetAppIcon />}
        data-testid="posture-export-csv"
      >
        Export CSV
      </Button>
      {error && (
        <Typography variant="body2" color="error" role="alert">
          {`Export failed: ${error.message}`}
        </Typography>
      )}
    </Box>
  );
}
