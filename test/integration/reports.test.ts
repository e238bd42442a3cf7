import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadPack, packRegistry, readJsonFile } from '../../src/core/criteria/registry';
import type { LoadedPack } from '../../src/core/criteria/schema';
import { CfcError } from '../../src/core/errors';
import { assess } from '../../src/core/scoring/assess';
import type { ScoreResult } from '../../src/core/scoring/result';
import { parseReportDate, vietnameseDate } from '../../src/core/reports/content';
import { renderSelfAssessmentDocx, renderSelfAssessmentPdf, type SelfAssessmentReport } from '../../src/core/reports/selfAssessment';
import { checkoutResourcesDir } from '../../src/server/resources';
import { repoRoot, tempDir } from '../helpers';

const fontsDir = path.join(checkoutResourcesDir, 'fonts');
const pngDir = path.join(repoRoot, 'test-results', 'reports');
const work = tempDir('cfc-reports-');
afterAll(() => work.cleanup());

const provisionalPack: LoadedPack = packRegistry(checkoutResourcesDir).require('qd06-2019');
/** The same pack marked official with every rule confirmed: its results are not provisional. */
const officialPack: LoadedPack = (() => {
  const raw = readJsonFile(path.join(checkoutResourcesDir, 'packs', 'qd06-2019.json'));
  const confirm = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(confirm);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'confirmed' ? true : confirm(x)]));
    }
    return v;
  };
  return loadPack({ ...(confirm(raw) as object), status: 'official', version: '1.0.0-test' }, 'test-official');
})();

function fixture(name: string): { values: SelfAssessmentReport['values'] } & Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/scoring', `${name}.json`), 'utf8'));
}

function makeReport(name: string, loaded: LoadedPack, patch: Partial<SelfAssessmentReport> = {}): SelfAssessmentReport {
  const raw = fixture(name);
  const result = assess(raw, loaded);
  return {
    unit: {
      code: '29239',
      name: 'Xã Mỹ Cẩm',
      type: 'Xã',
      ancestors: [
        { code: '84', name: 'Tỉnh Trà Vinh', level: 'province' },
        { code: '844', name: 'Huyện Càng Long', level: 'district' },
      ],
    },
    year: 2026,
    revision: 2,
    place: 'Mỹ Cẩm',
    date: '2026-03-05',
    organisation: 'Ủy ban nhân dân Xã Mỹ Cẩm',
    superior: 'UBND Huyện Càng Long',
    signer: { name: 'Nguyễn Văn Thắng', title: 'Chủ tịch' },
    result,
    values: raw.values,
    notes: { '2.1': 'Số liệu của công chức Tư pháp - Hộ tịch', '13.1': 'Phiếu khảo sát tháng 12/2025' },
    evidence: [
      { indicatorId: '13.1', name: 'phieu-khao-sat.xlsx', sha256: 'c0ffee'.repeat(10) + 'abcd', size: 2048, mediaType: 'application/vnd.ms-excel' },
      { indicatorId: '2.1', name: 'Sổ đăng ký khai sinh 2025.pdf', sha256: '0123456789abcdef'.repeat(4), size: 345_678, mediaType: 'application/pdf' },
    ],
    unitClassReason: 'Xã không thuộc vùng đặc biệt khó khăn',
    ...patch,
  };
}

/** "recognised-other (official pack)" → "recognised-other-official-pack". */
const slug = (s: string) => s.replace(/\W+/g, '-').replace(/^-|-$/g, '');

/** Whitespace collapsed, NFC: how a reader sees the text whatever the line breaks. */
const flat = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ');

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`${cmd} could not run (${r.error.message}); install poppler-utils`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function savePdf(buf: Buffer, name: string): string {
  const file = path.join(work.dir, `${name}.pdf`);
  fs.writeFileSync(file, buf);
  return file;
}

const pdfText = (file: string) => run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);

/** pdffonts rows as { name, emb }. The last five columns are emb, sub, uni, object id, generation. */
function pdfFonts(file: string): { name: string; emb: string }[] {
  const lines = run('pdffonts', [file]).split('\n').slice(2).filter((l) => l.trim() !== '');
  return lines.map((l) => {
    const t = l.trim().split(/\s+/);
    return { name: t[0]!, emb: t[t.length - 5]! };
  });
}

function zipEntry(buf: Buffer, entryName: string): Promise<string> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      zip.on('entry', (e: yauzl.Entry) => {
        if (e.fileName !== entryName) return zip.readEntry();
        zip.openReadStream(e, (e2, s) => {
          if (e2 || !s) return reject(e2);
          const chunks: Buffer[] = [];
          s.on('data', (c: Buffer) => chunks.push(c));
          s.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        });
      });
      zip.on('end', () => reject(new Error(`${entryName} is not in the DOCX`)));
      zip.readEntry();
    });
  });
}

function decodeEntities(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The visible text of word/document.xml: paragraphs and breaks become new lines, tags go, entities are decoded. */
function docxText(xml: string): string {
  return decodeEntities(
    xml
      .replace(/<w:tab\/>/g, ' ')
      .replace(/<w:br\/>/g, '\n')
      .replace(/<\/w:p>/g, '\n')
      .replace(/<[^>]+>/g, ''),
  );
}

function expectCfcError(e: unknown, code: string, field?: string): CfcError {
  expect(e).toBeInstanceOf(CfcError);
  const err = e as CfcError;
  expect(err.code).toBe(code);
  expect(err.messages.vi.length).toBeGreaterThan(20);
  expect(err.messages.en.length).toBeGreaterThan(20);
  expect(err.messages.vi).not.toBe(err.messages.en);
  if (field) expect(err.field).toBe(field);
  return err;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** What both formats must say about a report. */
function expectReportText(text: string, r: SelfAssessmentReport, verdictWords: string) {
  const t = flat(text);
  const res: ScoreResult = r.result;
  for (const c of res.criteria) expect(t, `criterion ${c.id}`).toContain(flat(`Tiêu chí ${c.id}. ${c.title.vi}`));
  expect(t).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
  expect(t).toContain('Độc lập - Tự do - Hạnh phúc');
  expect(t).toContain('UBND HUYỆN CÀNG LONG');
  // The organisation breaks after "ỦY BAN NHÂN DÂN"; in the PDF's layout text the motto sits between the two lines.
  expect(t).toMatch(/ỦY BAN NHÂN DÂN (Độc lập - Tự do - Hạnh phúc )?XÃ MỸ CẨM/);
  expect(t).toMatch(/Số: +\/BC-UBND/);
  expect(t).toContain('Mỹ Cẩm, ngày 05 tháng 3 năm 2026');
  expect(t).toContain('BÁO CÁO');
  expect(t).toContain('Kết quả tự đánh giá xã, phường, thị trấn phù hợp với trẻ em năm 2026');
  expect(t).toContain('Quyết định số 06/QĐ-TTg ngày 03/01/2019');
  expect(t).toContain(`Tổng cộng ${res.total}/1.000`);
  expect(t).toContain(`Tổng số điểm tự đánh giá: ${res.total}/1.000 điểm.`);
  expect(t).toContain(flat(`đối với loại đơn vị “${res.unitClassTitle.vi}”: ${res.threshold} điểm.`));
  expect(t).toContain(`Kết quả tự đánh giá: ${verdictWords}`);
  for (const reason of res.reasons) expect(t).toContain(flat(reason.message.vi));
  // The evidence list, the signature block, the recipients.
  expect(t).toContain('Sổ đăng ký khai sinh 2025.pdf 337,6 KB 0123456789ab');
  expect(t).toContain('phieu-khao-sat.xlsx 2 KB c0ffeec0ffee');
  expect(t.indexOf('Sổ đăng ký khai sinh')).toBeLessThan(t.indexOf('phieu-khao-sat.xlsx')); // pack order: 2.1 before 13.1
  expect(t).toContain('TM. ỦY BAN NHÂN DÂN');
  expect(t).toContain('CHỦ TỊCH');
  expect(t).toContain('Nguyễn Văn Thắng');
  expect(t).toContain('Nơi nhận:');
  if (res.provisional) {
    expect(res.provisionalNotice).not.toBeNull();
    const notice = flat(res.provisionalNotice!.vi);
    // Under the title and again beside the verdict.
    expect(t.split(notice).length - 1).toBeGreaterThanOrEqual(2);
    expect(t).toContain('(kết quả tạm tính)');
    expect(t).toContain('(*) Điểm tính theo thang điểm tạm tính');
  } else {
    expect(t).not.toContain('Kết quả tạm tính');
    expect(t).not.toContain('tạm tính)');
    expect(t).not.toContain('(*)');
  }
}

const cases = [
  { name: 'recognised-other', pack: () => provisionalPack, verdict: 'recognised', words: 'Đạt (kết quả tạm tính).', rate21: '118/120 (98,33%)' },
  { name: 'not-recognised', pack: () => provisionalPack, verdict: 'not_recognised', words: 'Chưa đạt (kết quả tạm tính).', rate21: '110/120 (91,67%)' },
  { name: 'incomplete', pack: () => provisionalPack, verdict: 'incomplete', words: 'Chưa đủ dữ liệu (kết quả tạm tính).', rate21: '50/50 (100,00%)' },
  { name: 'recognised-other', pack: () => officialPack, verdict: 'recognised', words: 'Đạt.', rate21: '118/120 (98,33%)' },
] as const;

describe('self-assessment report, PDF', () => {
  beforeAll(() => fs.mkdirSync(pngDir, { recursive: true }));

  for (const c of cases) {
    const label = `${c.name}${c.pack() === officialPack ? ' (official pack)' : ''}`;
    it(`${label}: text read back with pdftotext, embedded Liberation Serif, A4, page numbers, page 1 as PNG`, async () => {
      const report = makeReport(c.name, c.pack());
      expect(report.result.verdict).toBe(c.verdict);
      expect(report.result.provisional).toBe(c.pack() === provisionalPack);
      const buf = await renderSelfAssessmentPdf(report, { fontsDir });
      expect(buf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const file = savePdf(buf, slug(label));
      const raw = pdfText(file);
      // The footer lines go, so that a paragraph that runs onto the next page reads as one.
      const text = raw.replace(/^\s*Trang \d+\/\d+\s*$/gm, '');
      expectReportText(text, report, c.words);
      expect(flat(text)).toContain(c.rate21);

      const fonts = pdfFonts(file);
      expect(fonts.length).toBeGreaterThanOrEqual(2);
      for (const f of fonts) {
        expect(f.emb, f.name).toBe('yes');
        expect(f.name).toMatch(/^[A-Z]{6}\+LiberationSerif(-Bold|-Italic|-BoldItalic)?$/);
      }
      expect(fonts.map((f) => f.name.split('+')[1])).toEqual(expect.arrayContaining(['LiberationSerif', 'LiberationSerif-Bold', 'LiberationSerif-Italic']));

      // Three processes per case (pdftotext, pdffonts, pdftoppm): pdftotext ends each page with a form feed, the PNG
      // below has A4's size, and pdfinfo reads the document's date, title and page size once, in the test after these.
      const pages = raw.split('\f').filter((p) => p.trim() !== '').length;
      expect(pages).toBeGreaterThanOrEqual(2);
      for (let p = 1; p <= pages; p++) expect(raw).toMatch(new RegExp(`^\\s*Trang ${p}/${pages}\\s*$`, 'm'));

      const base = path.join(pngDir, `self-assessment-${slug(label)}`);
      run('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', file, base]);
      const png = fs.readFileSync(`${base}.png`);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      // 80 dpi A4: 661.4 x 935.4 pixels.
      expect(Math.abs(png.readUInt32BE(16) - 661.4)).toBeLessThan(1);
      expect(Math.abs(png.readUInt32BE(20) - 935.4)).toBeLessThan(1);
    });
  }

  it('is deterministic: the same report gives the same bytes; the report date dates the file', async () => {
    const r = makeReport('recognised-other', provisionalPack);
    const a = await renderSelfAssessmentPdf(r, { fontsDir });
    // An hour later by the clock (a faked Date, no waiting): the same bytes.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 3600_000 });
    let b: Buffer;
    try {
      b = await renderSelfAssessmentPdf(r, { fontsDir });
    } finally {
      vi.useRealTimers();
    }
    expect(b.equals(a)).toBe(true);
    const info = run('pdfinfo', [savePdf(a, 'undated')]);
    expect(info).toMatch(/Page size:\s+595\.2\d x 841\.8\d pts \(A4\)/);
    expect(info).toMatch(/CreationDate:\s+Thu Mar\s+5 00:00:00 2026 UTC/);
    expect(info).toContain('Title:           Báo cáo kết quả tự đánh giá');
    const other = await renderSelfAssessmentPdf({ ...r, date: '2026-04-01' }, { fontsDir });
    expect(other.equals(a)).toBe(false);
    expect(run('pdfinfo', [savePdf(other, 'dated')])).toMatch(/CreationDate:\s+Wed Apr\s+1 00:00:00 2026 UTC/);
  });

  it('rejects a fonts folder without the fonts, or with a file that is not a font, with a bilingual error', async () => {
    const r = makeReport('recognised-other', provisionalPack);
    const empty = path.join(work.dir, 'no-fonts');
    fs.mkdirSync(empty, { recursive: true });
    const e1 = expectCfcError(await rejection(renderSelfAssessmentPdf(r, { fontsDir: empty })), 'report_font_missing', 'fontsDir');
    expect(e1.messages.vi).toContain('LiberationSerif-Regular.ttf');
    expect(e1.messages.en).toContain('LiberationSerif-Regular.ttf');
    expect(e1.messages.en).toContain(empty);

    // Three good fonts and a bold that is missing: the message names the missing one.
    const partial = path.join(work.dir, 'partial-fonts');
    fs.mkdirSync(partial, { recursive: true });
    for (const f of ['LiberationSerif-Regular.ttf', 'LiberationSerif-Italic.ttf', 'LiberationSerif-BoldItalic.ttf']) fs.copyFileSync(path.join(fontsDir, f), path.join(partial, f));
    const e2 = expectCfcError(await rejection(renderSelfAssessmentPdf(r, { fontsDir: partial })), 'report_font_missing');
    expect(e2.messages.en).toContain('LiberationSerif-Bold.ttf');

    const bogus = path.join(work.dir, 'bogus-fonts');
    fs.mkdirSync(bogus, { recursive: true });
    for (const f of fs.readdirSync(fontsDir).filter((f) => f.endsWith('.ttf'))) fs.writeFileSync(path.join(bogus, f), 'not a font at all');
    expectCfcError(await rejection(renderSelfAssessmentPdf(r, { fontsDir: bogus })), 'report_font_invalid', 'fontsDir');

    expectCfcError(await rejection(renderSelfAssessmentPdf(r, { fontsDir: '' })), 'report_font_missing', 'fontsDir');
  });
});

describe('self-assessment report, DOCX', () => {
  for (const c of cases) {
    const label = `${c.name}${c.pack() === officialPack ? ' (official pack)' : ''}`;
    it(`${label}: word/document.xml says what the PDF says, with every indicator`, async () => {
      const report = makeReport(c.name, c.pack());
      const buf = await renderSelfAssessmentDocx(report, { fontsDir });
      expect(buf.subarray(0, 2).toString('latin1')).toBe('PK');
      const xml = await zipEntry(buf, 'word/document.xml');
      const text = docxText(xml);
      expectReportText(text, report, c.words);
      const t = flat(text);
      for (const crit of report.result.criteria) {
        for (const ind of crit.indicators) expect(t, ind.id).toContain(flat(ind.title.vi));
        expect(t).toContain(`Cộng tiêu chí ${crit.id} ${crit.points}/${crit.max}`);
      }
      expect(t).toContain('Số liệu của công chức Tư pháp - Hộ tịch'); // a note
      expect(xml).toBe(xml.normalize('NFC'));
    });
  }

  it('the indicator values read as entered: rates, counts, yes/no, surveys, missing values, overrides', async () => {
    const text = async (r: SelfAssessmentReport) => flat(docxText(await zipEntry(await renderSelfAssessmentDocx(r, { fontsDir }), 'word/document.xml')));
    const ro = await text(makeReport('recognised-other', provisionalPack));
    // 13.1: the survey by group, then the rate of all respondents; 3.2: a count; 1.4: a "no".
    expect(ro).toContain('13.1 Tỷ lệ trẻ em và người dân hài lòng về việc thực hiện quyền trẻ em Trẻ em: 36/40; Người dân (người lớn): 30/35 (88,00%) 35/50*');
    expect(ro).toContain('3.2 Số trẻ em bị bạo lực, bóc lột, bỏ mặc trong kỳ 1 25/50*');
    expect(ro).toContain('1.4 Có kinh phí thực hiện công tác trẻ em Không 0/20');
    expect(ro).toContain('1.1 Có bố trí người làm công tác bảo vệ trẻ em cấp xã Có 50/50');
    expect(ro).toContain('0/0 (không có trường hợp nào thuộc diện)');
    const nr = await text(makeReport('not-recognised', provisionalPack));
    expect(nr).toContain('150/200 (75,00%) 30/50* (điều chỉnh: 30, điểm tính theo số liệu:');
    expect(nr).toContain('lý do: Trạm y tế bổ sung sổ khám sức khỏe định kỳ');
    const inc = await text(makeReport('incomplete', provisionalPack));
    expect(inc).toContain('10.1 Tỷ lệ trẻ em từ 3 đến 5 tuổi đến trường, lớp mầm non Chưa nhập số liệu 0/50* (chưa có số liệu)');
    expect(inc).toContain('chưa đủ số người trả lời tối thiểu: Trẻ em cần ít nhất 30');
  });

  it('page, font and properties follow Nghị định 30: A4, margins, Times New Roman 13 pt, dated by the report', async () => {
    const buf = await renderSelfAssessmentDocx(makeReport('recognised-other', provisionalPack), { fontsDir });
    const xml = await zipEntry(buf, 'word/document.xml');
    expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    const mar = /<w:pgMar ([^>]*)\/>/.exec(xml)?.[1] ?? '';
    const attr = (n: string) => Number(new RegExp(`w:${n}="(\\d+)"`).exec(mar)?.[1]);
    const twip = (mm: number) => (mm * 1440) / 25.4;
    expect(attr('top')).toBeGreaterThanOrEqual(twip(20) - 1);
    expect(attr('top')).toBeLessThanOrEqual(twip(25) + 1);
    expect(attr('bottom')).toBeGreaterThanOrEqual(twip(20) - 1);
    expect(attr('bottom')).toBeLessThanOrEqual(twip(25) + 1);
    expect(attr('left')).toBeGreaterThanOrEqual(twip(30) - 1);
    expect(attr('left')).toBeLessThanOrEqual(twip(35) + 1);
    expect(attr('right')).toBeGreaterThanOrEqual(twip(15) - 1);
    expect(attr('right')).toBeLessThanOrEqual(twip(20) + 1);
    const styles = await zipEntry(buf, 'word/styles.xml');
    const defaults = /<w:docDefaults>[\s\S]*<\/w:docDefaults>/.exec(styles)?.[0] ?? '';
    expect(defaults).toContain('w:ascii="Times New Roman"');
    expect(defaults).toContain('w:hAnsi="Times New Roman"');
    expect(defaults).toMatch(/<w:sz w:val="26"\/>/);
    const core = await zipEntry(buf, 'docProps/core.xml');
    expect(core).toMatch(/<dcterms:created [^>]*>2026-03-05T00:00:00Z<\/dcterms:created>/);
    expect(core).toMatch(/<dcterms:modified [^>]*>2026-03-05T00:00:00Z<\/dcterms:modified>/);
    const footer = await zipEntry(buf, 'word/footer1.xml');
    expect(footer).toContain('Trang ');
    expect(footer).toMatch(/PAGE/);
    expect(footer).toMatch(/NUMPAGES/);
  });

  it('is deterministic: the same report gives the same bytes', async () => {
    const r = makeReport('not-recognised', provisionalPack);
    const a = await renderSelfAssessmentDocx(r, { fontsDir });
    // An hour later by the clock (a faked Date, no waiting; the zip's DOS time has a 2-second step): the same bytes.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 3600_000 });
    let b: Buffer;
    try {
      b = await renderSelfAssessmentDocx(r, { fontsDir });
    } finally {
      vi.useRealTimers();
    }
    expect(b.equals(a)).toBe(true);
    expect((await renderSelfAssessmentDocx({ ...r, date: '2026-03-06' }, { fontsDir })).equals(a)).toBe(false);
  });

  it('normalises decomposed Vietnamese (NFD) to NFC and drops control characters', async () => {
    const r = makeReport('recognised-other', provisionalPack, {
      organisation: 'Ủy ban nhân dân Xã Mỹ Cẩm'.normalize('NFD'),
      notes: { '1.1': 'Quyết định phân công\u0007 số 12'.normalize('NFD') },
    });
    const xml = await zipEntry(await renderSelfAssessmentDocx(r, { fontsDir }), 'word/document.xml');
    expect(xml).toBe(xml.normalize('NFC'));
    const t = flat(docxText(xml));
    expect(t).toContain('Ủy ban nhân dân Xã Mỹ Cẩm báo cáo kết quả');
    expect(t).toContain('Quyết định phân công số 12');
    expect(xml).not.toContain('\u0007');
  });

  it('a deputy signs "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"; no evidence says so; no superior leaves the line out', async () => {
    const r = makeReport('recognised-other', provisionalPack, { signer: { name: 'Trần Thị Hoa', title: 'Phó Chủ tịch' }, evidence: [], superior: '' });
    const t = flat(docxText(await zipEntry(await renderSelfAssessmentDocx(r, { fontsDir }), 'word/document.xml')));
    expect(t).toContain('TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH');
    expect(t).toContain('Trần Thị Hoa');
    expect(t).toContain('Không có tài liệu minh chứng kèm theo.');
    expect(t).not.toContain('UBND HUYỆN');
    expect(t).toContain('đề nghị cấp có thẩm quyền xem xét, công nhận Xã Mỹ Cẩm');
  });

  it('rejects a result without criteria and a bad date, in both formats, with bilingual errors', async () => {
    const r = makeReport('recognised-other', provisionalPack);
    const none = { ...r, result: { ...r.result, criteria: [] } };
    expectCfcError(await rejection(renderSelfAssessmentDocx(none, { fontsDir })), 'report_no_criteria', 'result.criteria');
    expectCfcError(await rejection(renderSelfAssessmentPdf(none, { fontsDir })), 'report_no_criteria', 'result.criteria');
    for (const date of ['2026-02-30', '05/03/2026', '']) {
      const e = expectCfcError(await rejection(renderSelfAssessmentDocx({ ...r, date }, { fontsDir })), 'invalid_report', 'date');
      expect(e.messages.vi).toContain('YYYY-MM-DD');
    }
    expectCfcError(await rejection(renderSelfAssessmentPdf({ ...r, unit: { ...r.unit, name: ' ' } }, { fontsDir })), 'invalid_report', 'unit.name');
  });
});

describe('report dates (Nghị định 30)', () => {
  it('a day below 10 and the months 1 and 2 take a leading zero; a timestamp is dated in Viet Nam time', () => {
    expect(vietnameseDate(parseReportDate('2026-02-05'))).toBe('ngày 05 tháng 02 năm 2026');
    expect(vietnameseDate(parseReportDate('2026-03-15'))).toBe('ngày 15 tháng 3 năm 2026');
    expect(vietnameseDate(parseReportDate('2026-12-31'))).toBe('ngày 31 tháng 12 năm 2026');
    expect(vietnameseDate(parseReportDate('2026-03-15T16:59:59Z'))).toBe('ngày 15 tháng 3 năm 2026');
    expect(vietnameseDate(parseReportDate('2026-03-15T17:00:00Z'))).toBe('ngày 16 tháng 3 năm 2026');
    expect(vietnameseDate(parseReportDate('2026-03-15T08:00:00+07:00'))).toBe('ngày 15 tháng 3 năm 2026');
    expect(() => parseReportDate('2026-03-15T08:00:00')).toThrow(CfcError); // no zone: ambiguous
  });
});
