import fs from 'node:fs';
import path from 'node:path';
import { loadRevision, scoreRevision } from '../../core/assessments/assessments';
import { throwIfCancelled } from '../../core/cancel';
import { CfcError } from '../../core/errors';
import { copyDurably, writeDurably } from '../../core/fsx/durable';
import { readProfile } from '../../core/store/profile';
import type { SelfAssessmentReport } from '../../core/reports/selfAssessment';
import { asciiSlug } from '../../core/units/fold';
import type { ServiceContext } from '../context';
import { deps } from './assessments';
import { dashboardDeps } from './dashboard';
import type { Handlers } from './types';

/** The DOCX, PDF and XLSX writers (most of the service's code) load on first use: start-up and `cfc score` skip them. */
export const reportWriters = {
  selfAssessment: () => import('../../core/reports/selfAssessment'),
  minutes: () => import('../../core/reports/minutes'),
  summary: () => import('../../core/reports/summary'),
};

const MEDIA = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
} as const;

export function reportsDir(ctx: ServiceContext): string {
  return path.join(ctx.dataDir, 'reports');
}

/** A generated report by its file name (for downloads), refusing anything outside the reports folder. */
export function reportFile(ctx: ServiceContext, fileName: string): string {
  const dir = reportsDir(ctx);
  const file = path.resolve(dir, fileName);
  if (path.dirname(file) !== dir || !/^[\w.-]+\.(docx|pdf|xlsx|csv|json)$/.test(fileName) || !fs.existsSync(file)) {
    throw new CfcError('not_found', { vi: 'Không tìm thấy báo cáo.', en: 'No such report.' }, { field: 'fileName' });
  }
  return file;
}

/**
 * A signed package exported into the data folder's exports/, or a backup made into its backups/ (for download),
 * refusing anything outside them.
 */
export function exportedFile(ctx: ServiceContext, fileName: string): string {
  const dir = path.join(ctx.dataDir, fileName.endsWith('.cfcbak') ? 'backups' : 'exports');
  const file = path.resolve(dir, fileName);
  if (path.dirname(file) !== dir || !/^[\w.-]+\.(cfcpkg|cfcbak)$/.test(fileName) || !fs.existsSync(file)) {
    throw new CfcError('not_found', { vi: 'Không tìm thấy gói hồ sơ.', en: 'No such package file.' }, { field: 'fileName' });
  }
  return file;
}


/**
 * A generated report as a job: progress "1/2 rendering, 2/2 written", cancellable until it is written (then nothing
 * is left: it is rendered in memory and written whole under a temporary name, renamed when complete).
 */
export async function writeReportFile(ctx: ServiceContext, fileName: string, render: () => Promise<Buffer | Uint8Array>): Promise<{ fileName: string; path: string; size: number }> {
  ctx.progress({ index: 0, total: 2, label: fileName, bytes: 0, size: 0 });
  throwIfCancelled(ctx.signal);
  const bytes = await render();
  throwIfCancelled(ctx.signal);
  const dir = reportsDir(ctx);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, fileName);
  writeDurably(file, bytes);
  ctx.progress({ index: 1, total: 2, label: fileName, bytes: bytes.length, size: bytes.length });
  return { fileName, path: file, size: bytes.length };
}

/** The report's content from a stored revision and the profile. */
export async function selfAssessmentReport(ctx: ServiceContext, id: string): Promise<SelfAssessmentReport> {
  const d = await deps(ctx);
  const rev = await loadRevision(d.db, d.packs, id);
  const profile = await readProfile(d.db);
  const units = ctx.editions.get(rev.row.unit_edition);
  const unit = units.get(rev.row.unit_code);
  const parent = unit.ancestors.at(-1);
  const values: SelfAssessmentReport['values'] = {};
  const notes: Record<string, string> = {};
  for (const [k, v] of rev.entries) {
    if (v.value_json !== null) values[k] = JSON.parse(v.value_json);
    if (v.note) notes[k] = v.note;
  }
  const bare = unit.name.replace(new RegExp(`^${unit.type}\\s+`), '');
  return {
    unit: { code: unit.code, name: unit.name, type: unit.type, ancestors: unit.ancestors },
    year: rev.row.year,
    revision: rev.row.revision,
    place: bare,
    date: ctx.now(),
    organisation: profile?.role === 'commune' && profile.organisation ? profile.organisation : `Ủy ban nhân dân ${unit.name}`,
    superior: parent ? `UBND ${parent.name}` : '',
    signer: { name: profile?.userName ?? '', title: profile?.userTitle ?? 'Chủ tịch' },
    result: scoreRevision(rev),
    values,
    notes,
    evidence: rev.evidence.map((e) => ({ indicatorId: e.indicator_id, name: e.name, sha256: e.sha256, size: e.size, mediaType: e.media_type })),
    unitClassReason: rev.row.unit_class_reason ?? undefined,
  };
}

export const reportsHandlers: Handlers<'reports.selfAssessment' | 'reports.saveCopy'> = {
  'reports.selfAssessment': async (input, ctx) => {
    const report = await selfAssessmentReport(ctx, input.id);
    const fontsDir = path.join(ctx.resourcesDir, 'fonts');
    const { renderSelfAssessmentDocx, renderSelfAssessmentPdf } = await reportWriters.selfAssessment();
    const fileName = `BaoCao-TuDanhGia_${report.unit.code}_${asciiSlug(report.unit.name)}_${report.year}_lan${report.revision}.${input.format}`;
    const w = await writeReportFile(ctx, fileName, () =>
      input.format === 'docx' ? renderSelfAssessmentDocx(report, { fontsDir }) : renderSelfAssessmentPdf(report, { fontsDir }),
    );
    return { ...w, mediaType: MEDIA[input.format] };
  },
  'reports.saveCopy': async (input, ctx) => {
    // The token first (spent whatever the outcome), then the file by the same resolver as its download route.
    const target = ctx.saveTokens.redeem(input.saveToken, 'reports.saveCopy');
    const from = input.route === 'reports' ? reportFile(ctx, input.fileName) : exportedFile(ctx, input.fileName);
    const label = path.basename(target);
    const size = from === target ? fs.statSync(from).size : await copyDurably(from, target, { onProgress: (bytes, total) => ctx.progress({ index: 0, total: 1, label, bytes, size: total }), signal: ctx.signal });
    return { fileName: label, size };
  },
};

/** `cfc report summary`: the province summary written where the caller says (local contract only). */
export const reportsLocalHandlers: Handlers<'reports.summary'> = {
  'reports.summary': async (input, ctx) => {
    const out = path.resolve(input.outPath);
    const { buildSummary, summaryFormatOf, writeSummary } = await reportWriters.summary();
    const format = summaryFormatOf(out, 'outPath');
    if (!fs.existsSync(path.dirname(out))) {
      throw new CfcError(
        'invalid_input',
        { vi: `Không có thư mục ${path.dirname(out)} (trường outPath); không có gì được ghi.`, en: `The folder ${path.dirname(out)} does not exist (field outPath); nothing was written.` },
        { field: 'outPath' },
      );
    }
    let scope = input.scope ?? null;
    if (scope === null) {
      const profile = await readProfile((await ctx.store()).db);
      scope = profile && profile.role !== 'commune' ? (ctx.units.record(profile.unitCode)?.provinceCode ?? null) : null;
    }
    // The catalogue of the edition in force that year (a province before 2025 is one of the 2025-03-01 edition).
    const summary = await buildSummary(await dashboardDeps(ctx, input.year), input.year, scope, ctx.now());
    const size = await writeSummary(summary, format, out);
    return { file: out, format, size, year: input.year, scope: summary.scope, total: summary.overview.total };
  },
};
