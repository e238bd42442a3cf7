import { api } from '../api';
import { EvidenceFiles } from '../components/EvidenceFiles';
import { CopiedBadge } from './bits';
import type { EvidenceItem } from './types';

interface Props {
  revisionId: string;
  indicatorId: string;
  items: EvidenceItem[];
  readOnly: boolean;
  maxMb: number;
  copiedYear?: number | undefined;
  onAdded(items: EvidenceItem[]): void;
  onRemoved(id: string): void;
}

/** The evidence of one indicator in the workspace: drop or pick files (several at once), see, open and remove them. */
export function EvidencePanel({ revisionId, indicatorId, items, readOnly, maxMb, copiedYear, onAdded, onRemoved }: Props) {
  return (
    <EvidenceFiles
      indicatorId={indicatorId}
      items={items}
      readOnly={readOnly}
      maxMb={maxMb}
      attach={async (files) => onAdded((await api.call('evidence.attach', { id: revisionId, indicatorId, files })).items)}
      remove={async (item, reason) => {
        await api.call('evidence.remove', { evidenceId: item.id, ...(reason ? { reason } : {}) });
        onRemoved(item.id);
      }}
      badge={(e) => (e.copied ? <CopiedBadge year={copiedYear} /> : null)}
    />
  );
}
