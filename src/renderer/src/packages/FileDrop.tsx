import { Button, Group, Text } from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import { IconFolderOpen, IconUpload, IconX } from '@tabler/icons-react';
import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A drop area that also opens the file picker (click, Enter or Space), for several files at once; optionally a button to
 * pick a whole folder (its files are given as if dropped). The caller filters by extension and says why a file is skipped.
 */
export function FileDrop({
  onFiles,
  label,
  hint,
  ariaLabel,
  busy,
  multiple = true,
  folderLabel,
  testId,
  icon,
}: {
  onFiles(files: File[]): void;
  label: string;
  hint?: string;
  ariaLabel: string;
  busy?: boolean;
  multiple?: boolean;
  folderLabel?: string;
  testId?: string;
  icon?: ReactNode;
}) {
  const folder = useRef<HTMLInputElement>(null);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    folder.current?.setAttribute('webkitdirectory', '');
  }, []);
  return (
    <>
      <Dropzone
        ref={root}
        onDrop={(files) => {
          // The same file may be given again later (to import it again): the picker must see it as a change.
          const input = root.current?.querySelector<HTMLInputElement>('input[type=file]');
          if (input) input.value = '';
          onFiles(files);
        }}
        multiple={multiple}
        loading={busy ?? false}
        p="md"
        aria-label={ariaLabel}
        data-testid={testId}
      >
        <Group justify="center" gap="md" mih={64} style={{ pointerEvents: 'none' }}>
          <Dropzone.Accept>
            <IconUpload size={28} />
          </Dropzone.Accept>
          <Dropzone.Reject>
            <IconX size={28} />
          </Dropzone.Reject>
          <Dropzone.Idle>{icon ?? <IconUpload size={28} stroke={1.5} color="var(--mantine-color-dimmed)" />}</Dropzone.Idle>
          <div>
            <Text size="sm" fw={500}>
              {label}
            </Text>
            {hint && (
              <Text size="xs" c="dimmed" maw={560}>
                {hint}
              </Text>
            )}
          </div>
        </Group>
      </Dropzone>
      {folderLabel && (
        <Group>
          <Button variant="subtle" size="xs" leftSection={<IconFolderOpen size={16} />} onClick={() => folder.current?.click()} disabled={busy ?? false}>
            {folderLabel}
          </Button>
          <input
            ref={folder}
            type="file"
            multiple
            hidden
            onChange={(e) => {
              const files = [...(e.currentTarget.files ?? [])];
              e.currentTarget.value = '';
              if (files.length > 0) onFiles(files);
            }}
          />
        </Group>
      )}
    </>
  );
}
