import { Alert, Anchor, Button, Group, List, Paper, PasswordInput, SegmentedControl, SimpleGrid, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { IconDownload, IconFileText, IconSignature } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorOf, transportKind } from '../api';
import { ProvisionalBadge, VerdictBadge } from '../assessment/bits';
import { SaveCopyButton } from '../components/SaveCopyButton';
import { exportUrl, reportUrl } from '../files';
import { pick } from '../i18n';
import { JobProgress } from '../jobs/JobProgress';
import { useJob } from '../jobs/useJob';
import { signedDelta, type ReviewDetail } from './IndicatorReview';

type Decision = 'recognised' | 'not_recognised' | 'returned';

function download(href: string, name: string) {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Both totals per criterion, the team's verdict and what-if, the team, the decision, the minutes and the package. */
export function ReviewSummary({
  detail,
  onSaved,
  settle,
  flush,
}: {
  detail: ReviewDetail;
  onSaved(d: ReviewDetail): void;
  /** Waits for the page's autosave; null, or why the action may not go on (an edit refused or only partly typed). */
  settle(): Promise<string | null>;
  flush(): Promise<unknown>;
}) {
  const { t } = useTranslation();
  const r = detail.result;
  const s = detail.selfResult;
  const selfBy = new Map(s.criteria.map((c) => [c.id, c.points]));
  const [members, setMembers] = useState(detail.team.length ? detail.team : [{ name: '', title: '' }]);
  const [decision, setDecision] = useState<Decision>(r.verdict === 'recognised' ? 'recognised' : 'returned');
  const [reasons, setReasons] = useState('');
  const [reopenReason, setReopenReason] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [files, setFiles] = useState<Record<string, string>>({});
  const minutesJob = useJob();
  const exportJob = useJob();

  /** Every action here reads what the team typed: it waits until the last edit is stored, and stops if one was refused. */
  const run = async (what: string, f: () => Promise<void>, o: { refusedBlocks?: boolean } = {}) => {
    setBusy(what);
    setError(null);
    try {
      if (o.refusedBlocks === false) await flush();
      else {
        const blocked = await settle();
        if (blocked) return setError(blocked);
      }
      await f();
    } catch (e) {
      setError(pick(errorOf(e).message));
    } finally {
      setBusy(null);
    }
  };
  const roleOf = (i: number) => t(i === 0 ? 'rv.sum.roleHead' : i === 1 ? 'rv.sum.roleSecretary' : 'rv.sum.roleMember');

  return (
    <Stack gap="lg" data-testid="review-summary">
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md" radius="md" data-testid="self-total">
          <Text c="dimmed" size="sm">
            {t('rv.sum.selfTotal')}
          </Text>
          <Group>
            <Text size="xl" fw={700}>
              {s.total}/{s.maxTotal}
            </Text>
            <VerdictBadge verdict={s.verdict} />
          </Group>
        </Paper>
        <Paper withBorder p="md" radius="md" data-testid="team-total">
          <Text c="dimmed" size="sm">
            {t('rv.sum.teamTotal')}
          </Text>
          <Group>
            <Text size="xl" fw={700}>
              {r.total}/{r.maxTotal}
            </Text>
            <VerdictBadge verdict={r.verdict} />
            {r.provisional && <ProvisionalBadge notice={r.provisionalNotice} />}
          </Group>
          <Text size="sm" c="dimmed">
            {t('rv.sum.threshold', { n: r.threshold })}
          </Text>
          {r.reasons.map((x, i) => (
            <Text key={i} size="sm" c="red.8">
              {pick(x.message)}
            </Text>
          ))}
        </Paper>
      </SimpleGrid>

      <Paper withBorder p="md" radius="md">
        <Title order={3} size="h4" mb="sm">
          {t('rv.sum.criteria')}
        </Title>
        <Table data-testid="criteria-compare">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('rv.sum.criterion')}</Table.Th>
              <Table.Th>{t('rv.sum.max')}</Table.Th>
              <Table.Th>{t('rv.sum.selfTotal')}</Table.Th>
              <Table.Th>{t('rv.sum.teamTotal')}</Table.Th>
              <Table.Th>{t('rv.sum.delta')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {r.criteria.map((c) => {
              const d = c.points - (selfBy.get(c.id) ?? 0);
              return (
                <Table.Tr key={c.id} style={d !== 0 ? { background: 'var(--mantine-color-orange-0)' } : undefined}>
                  <Table.Td>
                    {c.id}. {pick(c.title)}
                  </Table.Td>
                  <Table.Td>{c.max}</Table.Td>
                  <Table.Td>{selfBy.get(c.id) ?? 0}</Table.Td>
                  <Table.Td fw={600}>{c.points}</Table.Td>
                  <Table.Td c={d < 0 ? 'red.8' : d > 0 ? 'teal.8' : undefined}>{signedDelta(d)}</Table.Td>
                </Table.Tr>
              );
            })}
            <Table.Tr>
              <Table.Td fw={700}>{t('rv.sum.total')}</Table.Td>
              <Table.Td>{r.maxTotal}</Table.Td>
              <Table.Td fw={700}>{s.total}</Table.Td>
              <Table.Td fw={700}>{r.total}</Table.Td>
              <Table.Td fw={700}>{signedDelta(r.total - s.total)}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Paper>

      {r.whatIf && !r.whatIf.recognised && (
        <Paper withBorder p="md" radius="md" data-testid="team-whatif">
          <Title order={3} size="h4" mb="xs">
            {t('rv.sum.whatIf')}
          </Title>
          <Text size="sm" fw={500}>
            {pick(r.whatIf.plan.message)}
          </Text>
          <List type="ordered" size="sm">
            {r.whatIf.plan.steps.map((x) => (
              <List.Item key={x.indicatorId}>{pick(x.text)}</List.Item>
            ))}
          </List>
        </Paper>
      )}

      <Paper withBorder p="md" radius="md">
        <Title order={3} size="h4" mb="sm">
          {t('rv.sum.team')}
        </Title>
        <Stack gap="xs">
          {members.map((m, i) => (
            <Group key={i} align="flex-end">
              <TextInput
                label={`${roleOf(i)}: ${t('rv.sum.name')}`}
                value={m.name}
                disabled={detail.readOnly}
                onChange={(e) => setMembers(members.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value } : x)))}
              />
              <TextInput
                label={t('rv.sum.titleCol')}
                aria-label={`${roleOf(i)}: ${t('rv.sum.titleCol')}`}
                value={m.title}
                disabled={detail.readOnly}
                onChange={(e) => setMembers(members.map((x, j) => (j === i ? { ...x, title: e.currentTarget.value } : x)))}
              />
              {!detail.readOnly && members.length > 1 && (
                <Button variant="subtle" color="red" onClick={() => setMembers(members.filter((_, j) => j !== i))}>
                  {t('rv.sum.remove')}
                </Button>
              )}
            </Group>
          ))}
          {!detail.readOnly && (
            <Group>
              <Button variant="default" onClick={() => setMembers([...members, { name: '', title: '' }])}>
                {t('rv.sum.add')}
              </Button>
              <Button
                loading={busy === 'team'}
                onClick={() =>
                  void run('team', async () => onSaved(await api.call('reviews.setTeam', { id: detail.id, members: members.filter((m) => m.name.trim() !== '') })), { refusedBlocks: false })
                }
              >
                {t('rv.sum.saveTeam')}
              </Button>
            </Group>
          )}
        </Stack>
      </Paper>

      <Paper withBorder p="md" radius="md" data-testid="decision">
        <Title order={3} size="h4" mb="sm">
          {t('rv.sum.decision')}
        </Title>
        {detail.readOnly ? (
          <Stack gap="xs">
            <Text fw={600} data-testid="decision-line">
              {t('rv.sum.decided', { d: t(`rv.decision.${detail.state as Decision}`), by: detail.decidedBy ?? '', at: (detail.decidedAt ?? '').slice(0, 10) })}
            </Text>
            {detail.reasons.map((x, i) => (
              <Text key={i} size="sm">
                – {x}
              </Text>
            ))}
            <Group align="flex-end">
              <TextInput label={t('rv.sum.reopenReason')} value={reopenReason} onChange={(e) => setReopenReason(e.currentTarget.value)} w={360} />
              <Button
                variant="default"
                disabled={reopenReason.trim().length < 3}
                loading={busy === 'reopen'}
                onClick={() => void run('reopen', async () => onSaved(await api.call('reviews.reopen', { id: detail.id, reason: reopenReason })), { refusedBlocks: false })}
              >
                {t('rv.sum.reopen')}
              </Button>
            </Group>
          </Stack>
        ) : (
          <Stack gap="sm">
            <SegmentedControl
              value={decision}
              onChange={(v) => setDecision(v as Decision)}
              data={(['recognised', 'not_recognised', 'returned'] as const).map((d) => ({ value: d, label: t(`rv.decision.${d}`), disabled: d === 'recognised' && r.verdict !== 'recognised' }))}
              aria-label={t('rv.sum.decision')}
            />
            {r.verdict !== 'recognised' && (
              <Text size="sm" c="dimmed">
                {t('rv.sum.recogniseBlocked')}
              </Text>
            )}
            <Textarea label={t('rv.sum.reasons')} value={reasons} onChange={(e) => setReasons(e.currentTarget.value)} autosize minRows={2} />
            <Group>
              <Button
                loading={busy === 'decide'}
                onClick={() =>
                  void run('decide', async () =>
                    onSaved(
                      await api.call('reviews.decide', {
                        id: detail.id,
                        decision,
                        reasons: reasons
                          .split('\n')
                          .map((x) => x.trim())
                          .filter(Boolean),
                      }),
                    ),
                  )
                }
              >
                {t('rv.sum.decide')}
              </Button>
            </Group>
          </Stack>
        )}
      </Paper>

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md" radius="md">
          <Title order={3} size="h4" mb="sm">
            {t('rv.sum.minutes')}
          </Title>
          <Group>
            {(['docx', 'pdf'] as const).map((f) => (
              <Button
                key={f}
                variant="light"
                leftSection={<IconFileText size={16} />}
                loading={busy === f}
                data-testid={`minutes-${f}`}
                onClick={() =>
                  void run(f, async () => {
                    const m = await minutesJob.run('reviews.minutes', { id: detail.id, format: f });
                    if (!m) return;
                    setFiles((x) => ({ ...x, [f]: m.fileName }));
                    download(reportUrl(m.fileName), m.fileName);
                  })
                }
              >
                {t(f === 'docx' ? 'rv.sum.minutesDocx' : 'rv.sum.minutesPdf')}
              </Button>
            ))}
          </Group>
          <JobProgress job={minutesJob} testId="minutes-job" />
          {Object.values(files).map((f) => (
            <Group key={f} gap="xs" wrap="nowrap" mt={6}>
              <Anchor href={reportUrl(f)} download={f} size="sm">
                {f}
              </Anchor>
              <SaveCopyButton route="reports" fileName={f} />
            </Group>
          ))}
        </Paper>
        <Paper withBorder p="md" radius="md" data-testid="review-export">
          <Title order={3} size="h4" mb={4}>
            {t('rv.sum.exportTitle')}
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            {t('rv.sum.exportHelp')}
          </Text>
          {!detail.readOnly ? (
            <Text size="sm">{t('rv.sum.needDecision')}</Text>
          ) : (
            <Stack gap="xs">
              {transportKind === 'http' && <PasswordInput label={t('rv.sum.passphrase')} value={passphrase} onChange={(e) => setPassphrase(e.currentTarget.value)} w={320} />}
              <Group>
                <Button
                  leftSection={<IconSignature size={16} />}
                  loading={busy === 'export'}
                  onClick={() =>
                    void run('export', async () => {
                      const x = await exportJob.run('reviews.export', { id: detail.id, ...(passphrase ? { passphrase } : {}) });
                      if (!x) return;
                      onSaved(await api.call('reviews.get', { id: detail.id }));
                      download(exportUrl(x.fileName), x.fileName);
                    })
                  }
                >
                  {t('rv.sum.export')}
                </Button>
              </Group>
              <JobProgress job={exportJob} testId="review-export-job" />
            </Stack>
          )}
          {detail.exported && (
            <Stack gap={2} mt="sm">
              <Group gap="xs" wrap="nowrap">
                <Anchor href={exportUrl(detail.exported.fileName)} download={detail.exported.fileName} size="sm" data-testid="review-export-link">
                  <IconDownload size={14} /> {t('rv.sum.exported', { file: detail.exported.fileName, n: detail.exported.revision })}
                </Anchor>
                <SaveCopyButton route="exports" fileName={detail.exported.fileName} />
              </Group>
              {!detail.exported.upToDate && (
                <Text size="xs" c="orange.8">
                  {t('rv.sum.outdated')}
                </Text>
              )}
            </Stack>
          )}
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}
