import { ActionIcon, Anchor, Button, Group, Loader, Modal, Paper, Progress, Stack, Text, TextInput, ThemeIcon, Tooltip } from '@mantine/core';
import { Dropzone, MIME_TYPES, type FileRejection, type FileWithPath } from '@mantine/dropzone';
import { IconCheck, IconDownload, IconEye, IconFile, IconFileTypePdf, IconPhoto, IconTrash, IconUpload, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReactNode } from 'react';
import { errorOf } from '../api';
import { formatSize } from '../assessment/values';
import { evidenceUrl, stageFile } from '../files';
import { pick } from '../i18n';
import { formatDate } from '../lib/text';

/** Images, PDF, Word/Excel and OpenDocument files, by type and by extension (some systems send no type). */
const ACCEPT: Record<string, string[]> = {
  'image/png': ['.png'],
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/gif': ['.gif'],
  'image/webp': ['.webp'],
  'image/heic': ['.heic'],
  [MIME_TYPES.pdf]: ['.pdf'],
  [MIME_TYPES.doc]: ['.doc'],
  [MIME_TYPES.docx]: ['.docx'],
  [MIME_TYPES.xls]: ['.xls'],
  [MIME_TYPES.xlsx]: ['.xlsx'],
  'application/vnd.oasis.opendocument.text': ['.odt'],
  'application/vnd.oasis.opendocument.spreadsheet': ['.ods'],
  'application/vnd.oasis.opendocument.presentation': ['.odp'],
};

type Upload = { key: string; name: string; size: number; state: 'sending' | 'sent' | 'failed'; message?: string };

/** What the list shows of a stored file; `id` is what `/evidence/<id>` serves. */
export interface EvidenceFile {
  id: string;
  name: string;
  mediaType: string;
  size: number;
  addedBy: string;
  addedAt: string;
}

/** A staged file, ready for an attach call. */
export interface StagedUpload {
  stagedId: string;
  name: string;
  mediaType?: string;
}

const isImage = (e: EvidenceFile) => e.mediaType.startsWith('image/');
const isPdf = (e: EvidenceFile) => e.mediaType === 'application/pdf' || e.name.toLowerCase().endsWith('.pdf');

interface Props<T extends EvidenceFile> {
  indicatorId: string;
  items: T[];
  readOnly: boolean;
  maxMb: number;
  /** A smaller drop area (the review screen's team side). */
  compact?: boolean;
  /** Attaches the staged files (throws a typed error when refused). */
  attach(files: StagedUpload[]): Promise<void>;
  /** Removes one file (throws a typed error when refused). */
  remove(item: T, reason: string | undefined): Promise<void>;
  /** Something shown beside a file's name (the workspace's "copied from last year"). */
  badge?(item: T): ReactNode;
}

/**
 * Evidence files of one indicator, for the commune's workspace and the review team alike: drop or pick files (several
 * at once; streamed into staging, then attached), see, open and remove them.
 */
export function EvidenceFiles<T extends EvidenceFile>({ indicatorId, items, readOnly, maxMb, compact, attach, remove, badge }: Props<T>) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<T | null>(null);
  const [removing, setRemoving] = useState<T | null>(null);

  const onDrop = async (files: FileWithPath[]) => {
    const limit = maxMb * 1024 * 1024;
    const tooBig = files.filter((f) => f.size > limit);
    const ok = files.filter((f) => f.size <= limit);
    setProblems(tooBig.map((f) => t('ws.evidence.tooBig', { name: f.name, size: formatSize(f.size, lang), max: maxMb })));
    if (ok.length === 0) return;
    setBusy(true);
    const batch = ok.map((f, i) => ({ key: `${Date.now()}-${i}`, name: f.name, size: f.size, state: 'sending' as const }));
    setUploads(batch);
    const mark = (key: string, u: Partial<Upload>) => setUploads((list) => list.map((x) => (x.key === key ? { ...x, ...u } : x)));
    const staged = await Promise.all(
      ok.map(async (f, i) => {
        const key = batch[i]!.key;
        try {
          const s = await stageFile(f);
          mark(key, { state: 'sent' });
          return { stagedId: s.stagedId, name: f.name, ...(f.type ? { mediaType: f.type } : {}) };
        } catch (e) {
          mark(key, { state: 'failed', message: pick(errorOf(e).message) });
          return null;
        }
      }),
    );
    const files2 = staged.filter((s): s is NonNullable<typeof s> => s !== null);
    if (files2.length > 0) {
      try {
        await attach(files2);
        setUploads((list) => list.filter((u) => u.state === 'failed'));
      } catch (e) {
        const err = errorOf(e);
        setProblems((p) => [...p, pick(err.message)]);
        setUploads((list) => list.map((u) => (u.state === 'sent' ? { ...u, state: 'failed', message: pick(err.message) } : u)));
      }
    }
    setBusy(false);
  };

  const onReject = (rejections: FileRejection[]) =>
    setProblems(rejections.map((r) => t('ws.evidence.badType', { name: r.file.name })));

  return (
    <Stack gap="xs">
      {!readOnly && (
        <Dropzone
          onDrop={(f) => void onDrop(f)}
          onReject={onReject}
          accept={ACCEPT}
          multiple
          loading={busy}
          p={compact ? 6 : 'sm'}
          aria-label={t('ws.evidence.dropAria', { id: indicatorId })}
          data-testid={`dropzone-${indicatorId}`}
          onKeyDown={(e) => e.stopPropagation()}
        >
          <Group justify="center" gap="sm" mih={compact ? 28 : 44} style={{ pointerEvents: 'none' }}>
            <Dropzone.Accept>
              <IconUpload size={22} />
            </Dropzone.Accept>
            <Dropzone.Reject>
              <IconX size={22} />
            </Dropzone.Reject>
            <Dropzone.Idle>
              <IconUpload size={22} stroke={1.5} color="var(--mantine-color-dimmed)" />
            </Dropzone.Idle>
            <div>
              <Text size={compact ? 'xs' : 'sm'}>{t('ws.evidence.drop')}</Text>
              <Text size="xs" c="dimmed">
                {t('ws.evidence.types', { max: maxMb })}
              </Text>
            </div>
          </Group>
        </Dropzone>
      )}
      {problems.map((p, i) => (
        <Text key={i} size="sm" c="red" role="alert">
          {p}
        </Text>
      ))}
      {uploads.map((u) => (
        <Group key={u.key} gap="xs" wrap="nowrap" data-testid="upload-row">
          {u.state === 'sending' ? <Loader size="xs" /> : u.state === 'sent' ? <IconCheck size={16} color="teal" /> : <IconX size={16} color="red" />}
          <Text size="sm" style={{ flex: 1 }} truncate>
            {u.name} · {formatSize(u.size, lang)}
          </Text>
          <Progress value={u.state === 'sending' ? 60 : 100} animated={u.state === 'sending'} color={u.state === 'failed' ? 'red' : 'teal'} w={120} aria-label={u.name} />
          {u.message && (
            <Text size="xs" c="red">
              {u.message}
            </Text>
          )}
        </Group>
      ))}
      {items.length > 0 && (
        <Stack gap={4} data-testid={`evidence-list-${indicatorId}`}>
          {items.map((e) => (
            <Paper key={e.id} withBorder px="sm" py={6} radius="sm">
              <Group gap="sm" wrap="nowrap">
                <ThemeIcon variant="light" color={isImage(e) ? 'teal' : isPdf(e) ? 'red' : 'gray'} size="md">
                  {isImage(e) ? <IconPhoto size={16} /> : isPdf(e) ? <IconFileTypePdf size={16} /> : <IconFile size={16} />}
                </ThemeIcon>
                <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
                  <Text size="sm" fw={500} truncate data-testid="evidence-name">
                    {e.name}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {formatSize(e.size, lang)} · {e.addedBy} · {formatDate(e.addedAt)}
                  </Text>
                </Stack>
                {badge?.(e)}
                {isImage(e) || isPdf(e) ? (
                  <Tooltip label={t('ws.evidence.preview')}>
                    <ActionIcon variant="subtle" onClick={() => setPreview(e)} aria-label={t('ws.evidence.previewAria', { name: e.name })}>
                      <IconEye size={18} />
                    </ActionIcon>
                  </Tooltip>
                ) : null}
                <Tooltip label={t('ws.evidence.download')}>
                  <ActionIcon component="a" href={evidenceUrl(e.id)} download={e.name} variant="subtle" aria-label={t('ws.evidence.downloadAria', { name: e.name })}>
                    <IconDownload size={18} />
                  </ActionIcon>
                </Tooltip>
                {!readOnly && (
                  <Tooltip label={t('ws.evidence.remove')}>
                    <ActionIcon variant="subtle" color="red" onClick={() => setRemoving(e)} aria-label={t('ws.evidence.removeAria', { name: e.name })}>
                      <IconTrash size={18} />
                    </ActionIcon>
                  </Tooltip>
                )}
              </Group>
            </Paper>
          ))}
        </Stack>
      )}
      <Modal opened={preview !== null} onClose={() => setPreview(null)} title={preview?.name} size="xl">
        {preview && isImage(preview) && (
          <img src={evidenceUrl(preview.id)} alt={preview.name} style={{ maxWidth: '100%', maxHeight: '70vh', display: 'block', margin: '0 auto' }} />
        )}
        {preview && !isImage(preview) && isPdf(preview) && (
          <iframe sandbox="" src={evidenceUrl(preview.id)} title={preview.name} style={{ width: '100%', height: '70vh', border: 0 }} />
        )}
        {preview && (
          <Anchor href={evidenceUrl(preview.id)} download={preview.name} size="sm" mt="sm" display="inline-block">
            {t('ws.evidence.download')}
          </Anchor>
        )}
      </Modal>
      <RemoveDialog item={removing} onClose={() => setRemoving(null)} remove={remove} />
    </Stack>
  );
}

function RemoveDialog<T extends EvidenceFile>({ item, onClose, remove }: { item: T | null; onClose(): void; remove(item: T, reason: string | undefined): Promise<void> }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const go = async () => {
    if (!item) return;
    setBusy(true);
    try {
      await remove(item, reason.trim() || undefined);
      setReason('');
      setError(null);
      onClose();
    } catch (e) {
      setError(pick(errorOf(e).message));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={item !== null} onClose={onClose} title={t('ws.evidence.removeTitle')}>
      <Stack>
        <Text size="sm">{t('ws.evidence.removeText', { name: item?.name ?? '' })}</Text>
        <TextInput label={t('ws.evidence.removeReason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        {error && (
          <Text c="red" size="sm" role="alert">
            {error}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="red" onClick={() => void go()} loading={busy}>
            {t('ws.evidence.remove')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
