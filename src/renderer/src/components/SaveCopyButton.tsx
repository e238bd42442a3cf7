import { Button, Group, Stack, Text } from '@mantine/core';
import { IconDeviceFloppy } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorOf } from '../api';
import { canSaveAs } from '../files';
import { pick } from '../i18n';
import { JobProgress } from '../jobs/JobProgress';
import { useJob } from '../jobs/useJob';

/**
 * "Lưu bản sao vào… / Save a copy as…" beside the download of a file the app made (a report, minutes, an exported
 * package, a backup, the dashboard export), in the desktop app only: the OS save dialog in the main process, then the
 * core copies the file there as a job (`reports.saveCopy`, by its download name; progress and Cancel; the page never
 * sees the path). Nothing is shown in browser mode, where the browser's own download asks where to save.
 */
export function SaveCopyButton({ route, fileName, testId }: { route: 'reports' | 'exports'; fileName: string; testId?: string }) {
  const { t } = useTranslation();
  const job = useJob();
  const [state, setState] = useState<{ saved?: string; error?: string }>({});
  if (!canSaveAs()) return null;
  const save = async () => {
    setState({});
    try {
      const r = await job.saveAs('reports.saveCopy', { route, fileName });
      if (r) setState({ saved: r.fileName });
    } catch (e) {
      setState({ error: pick(errorOf(e).message) });
    }
  };
  return (
    <Stack gap={4}>
      <Group gap="xs" wrap="nowrap">
        <Button variant="subtle" size="compact-sm" leftSection={<IconDeviceFloppy size={14} />} loading={job.busy} onClick={() => void save()} data-testid={testId}>
          {t('files.saveCopy')}
        </Button>
        {state.saved && (
          <Text size="xs" c="teal.8" role="status">
            {t('files.savedCopy', { file: state.saved })}
          </Text>
        )}
        {state.error && (
          <Text size="xs" c="red" role="alert">
            {state.error}
          </Text>
        )}
      </Group>
      <JobProgress job={job} testId="save-copy-job" />
    </Stack>
  );
}
