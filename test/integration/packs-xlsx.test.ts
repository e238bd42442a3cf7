import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cfcInProcess } from './cli-io';
import { canonicalSha256 } from '../../src/core/criteria/hash';
import { packToXlsx } from '../../src/core/criteria/xlsx';
import { xlsxToPack } from '../../src/core/criteria/xlsxRead';
import { INDICATOR_KINDS } from '../../src/core/criteria/schema';
import { snapshotDir, tempDir, testService } from '../helpers';
import { builtin, fullInput, loaded } from '../unit/scoring/helpers';
import { kindsPack } from '../unit/scoring/testpack';

/**
 * Packs in a workbook: the built-in pack's round trip keeps its canonical SHA-256; an official's edit (made here with
 * exceljs, as a spreadsheet program would) installs and scores differently; each kind of mistake is refused naming its
 * sheet and cell, and nothing is installed. The CLI runs in-process.
 */

let dir: string;
let cleanup: () => void;
let dataDir: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('cfc-packs-xlsx-'));
  dataDir = path.join(dir, 'data');
});
afterEach(() => cleanup());

async function cfc(args: string[]) {
  const r = await cfcInProcess(['--data-dir', dataDir, ...args], { cwd: dir });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

/** The built-in pack's workbook, opened for editing. */
async function workbook(): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await packToXlsx(builtin().pack)) as unknown as ArrayBuffer);
  return wb;
}

/** The row of a sheet whose first column holds `key` (the first such row after `after`). */
function rowOf(ws: ExcelJS.Worksheet, key: string, after = 1): number {
  for (let r = after + 1; r <= ws.rowCount; r++) if (String(ws.getCell(r, 1).value) === key) return r;
  throw new Error(`no row ${key} in ${ws.name}`);
}
/** The row of the indicators sheet for one indicator id (column B). */
function indicatorRow(ws: ExcelJS.Worksheet, id: string): number {
  for (let r = 2; r <= ws.rowCount; r++) if (String(ws.getCell(r, 2).value) === id) return r;
  throw new Error(`no indicator ${id}`);
}

async function save(wb: ExcelJS.Workbook, name: string): Promise<string> {
  const f = path.join(dir, name);
  fs.writeFileSync(f, Buffer.from(await wb.xlsx.writeBuffer()));
  return f;
}

describe('round trip', () => {
  it('the built-in pack → workbook → pack keeps its canonical SHA-256', async () => {
    const p = builtin();
    const back = await xlsxToPack(await packToXlsx(p.pack), 'qd06.xlsx');
    expect(back.sha256).toBe(p.sha256);
    expect(back.pack).toEqual(p.pack);
  });

  it('a pack with every kind (choice, survey groups, a decimal threshold) keeps its hash too', async () => {
    const p = loaded(kindsPack());
    const back = await xlsxToPack(await packToXlsx(p.pack), 'kinds.xlsx');
    expect(back.sha256).toBe(canonicalSha256(kindsPack()));
  });

  it('has the sheets, Vietnamese headers and validation lists derived from the schema', async () => {
    const wb = await workbook();
    expect(wb.worksheets.map((w) => w.name)).toEqual(['readme', 'pack', 'sources', 'criteria', 'indicators', 'brackets', 'options', 'groups']);
    const ind = wb.getWorksheet('indicators')!;
    expect(ind.getCell('C1').value).toBe('Loại chỉ tiêu');
    const dv = (ind as unknown as { dataValidations: { model: Record<string, { formulae: string[] }> } }).dataValidations.model;
    const kindList = Object.entries(dv).find(([addr]) => addr.startsWith('C'))?.[1];
    expect(kindList?.formulae[0]).toBe(`"${INDICATOR_KINDS.join(',')}"`);
    expect(INDICATOR_KINDS).toContain('rate_per_n');
  });

  it('texts typed in decomposed Unicode (a "tổ hợp" keyboard) and headers retyped loosely read as the same pack', async () => {
    const wb = await workbook();
    let decomposed = 0;
    for (const ws of wb.worksheets) {
      if (ws.name === 'readme') continue;
      ws.eachRow((row, r) =>
        row.eachCell((cell) => {
          if (typeof cell.value !== 'string') return;
          const nfd = cell.value.normalize('NFD');
          if (nfd !== cell.value) decomposed++;
          // Headers: capitals and a doubled space, as someone retyping them would; every other text decomposed.
          cell.value = r === 1 ? nfd.toLocaleUpperCase('vi').replace(' ', '  ') : nfd;
        }),
      );
    }
    expect(decomposed).toBeGreaterThan(100); // the criteria's names, the "có"/"không" cells, the headers
    const back = await xlsxToPack(Buffer.from(await wb.xlsx.writeBuffer()), 'nfd.xlsx');
    expect(back.sha256).toBe(builtin().sha256);

    // A header that says something else is still refused, named by its cell.
    wb.getWorksheet('indicators')!.getCell('C1').value = 'Loại';
    await expect(xlsxToPack(Buffer.from(await wb.xlsx.writeBuffer()), 'sai.xlsx')).rejects.toMatchObject({
      code: 'invalid_pack',
      issues: expect.arrayContaining([expect.objectContaining({ field: 'indicators!C1' })]),
    });
  });

  it('cfc pack to-xlsx then from-xlsx writes the same pack (exit 0)', async () => {
    const x = path.join(dir, 'qd06.xlsx');
    const j = path.join(dir, 'qd06.json');
    let r = await cfc(['pack', 'to-xlsx', 'qd06-2019', '--out', x]);
    expect(r.code, r.err).toBe(0);
    r = await cfc(['--json', 'pack', 'from-xlsx', x, '--out', j]);
    expect(r.code, r.err).toBe(0);
    expect(canonicalSha256(JSON.parse(fs.readFileSync(j, 'utf8')))).toBe(builtin().sha256);
    expect((await cfc(['pack', 'to-xlsx', 'qd06-2019'])).code).toBe(2);
    const unknown = await cfc(['pack', 'to-xlsx', 'nope', '--out', path.join(dir, 'n.xlsx')]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('"nope"');
    expect(fs.existsSync(path.join(dir, 'n.xlsx'))).toBe(false);
  });
});

describe('mistakes are refused naming the cell; nothing is installed', () => {
  const cases: { name: string; edit: (wb: ExcelJS.Workbook) => string; expect: RegExp }[] = [
    {
      name: 'a bracket over the maximum',
      edit: (wb) => {
        const ws = wb.getWorksheet('brackets')!;
        const r = rowOf(ws, '2.1');
        ws.getCell(r, 3).value = 60;
        return `brackets!C${r}`;
      },
      expect: /60 điểm, vượt tối đa 50/,
    },
    {
      name: 'maxima not adding up',
      edit: (wb) => {
        const ws = wb.getWorksheet('criteria')!;
        const r = rowOf(ws, '2');
        ws.getCell(r, 4).value = 60;
        return `criteria!D${r}`;
      },
      expect: /điểm tối đa 60 nhưng tổng điểm tối đa các chỉ tiêu là 50/,
    },
    {
      name: 'an unknown kind',
      edit: (wb) => {
        const ws = wb.getWorksheet('indicators')!;
        const r = indicatorRow(ws, '5.2');
        ws.getCell(r, 3).value = 'ratio';
        return `indicators!C${r}`;
      },
      expect: /loại chỉ tiêu "ratio" không có; chọn một trong boolean, rate, rate_per_n/,
    },
    {
      name: 'a duplicate id',
      edit: (wb) => {
        const ws = wb.getWorksheet('indicators')!;
        const r = indicatorRow(ws, '1.2');
        ws.getCell(r, 2).value = '1.1';
        return `indicators!B${r}`;
      },
      expect: /mã chỉ tiêu "1.1" bị trùng/,
    },
    {
      name: 'an empty required cell',
      edit: (wb) => {
        const ws = wb.getWorksheet('criteria')!;
        const r = rowOf(ws, '4');
        ws.getCell(r, 2).value = null;
        return `criteria!B${r}`;
      },
      expect: /ô trống: cần "Tên tiêu chí \(tiếng Việt\)"/,
    },
    {
      name: 'a text where a number belongs',
      edit: (wb) => {
        const ws = wb.getWorksheet('brackets')!;
        const r = rowOf(ws, '9.1');
        ws.getCell(r, 2).value = 'chín mươi';
        return `brackets!B${r}`;
      },
      expect: /cần một số, nhận được "chín mươi"/,
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const wb = await workbook();
      const cell = c.edit(wb);
      const f = await save(wb, 'sai.xlsx');
      await cfc(['trust', 'list']); // creates the data folder's store, so the snapshot below holds its files
      const before = snapshotDir(dataDir);
      const r = await cfc(['--json', 'pack', 'install', f]);
      expect(r.code).toBe(1);
      const err = JSON.parse(r.out || r.err) as { error?: { code: string; issues: { field: string; message: { vi: string; en: string } }[] } } & { code?: string; issues?: { field: string; message: { vi: string } }[] };
      const e = err.error ?? (err as unknown as { code: string; issues: { field: string; message: { vi: string; en: string } }[] });
      expect(e.code).toBe('invalid_pack');
      const issue = e.issues.find((i) => i.field === cell);
      expect(issue, JSON.stringify(e.issues.map((i) => i.message.vi))).toBeDefined();
      expect(issue!.message.vi).toMatch(c.expect);
      expect(issue!.message.vi.startsWith(`${cell}: `)).toBe(true);
      expect(issue!.message.en.startsWith(`${cell}: `)).toBe(true);
      expect(snapshotDir(dataDir)).toEqual(before);
      expect(fs.existsSync(path.join(dataDir, 'packs'))).toBe(false);
      // from-xlsx refuses the same way and writes no JSON.
      const j = path.join(dir, 'sai.json');
      expect((await cfc(['pack', 'from-xlsx', f, '--out', j])).code).toBe(1);
      expect(fs.existsSync(j)).toBe(false);
    });
  }
});

describe("an official's edit", () => {
  it('installs as a new version, is listed, scores differently; the same version with other content is pack_mismatch', async () => {
    const wb = await workbook();
    const pack = wb.getWorksheet('pack')!;
    pack.getCell(rowOf(pack, 'version'), 3).value = '1.1.0';
    // Criterion 7: the top bracket from 98% down to 95% (and 95 → 90 for the second, 90 → 85 for the third).
    const br = wb.getWorksheet('brackets')!;
    const r7 = rowOf(br, '7.1');
    br.getCell(r7, 2).value = 95;
    br.getCell(r7 + 1, 2).value = 90;
    br.getCell(r7 + 2, 2).value = 85;
    const f = await save(wb, 'qd06-1.1.0.xlsx');

    let r = await cfc(['--json', 'pack', 'install', f]);
    expect(r.code, r.err).toBe(0);
    const installed = JSON.parse(r.out) as { installed: boolean; summary: { id: string; version: string; origin: string; sha256: string } };
    expect(installed).toMatchObject({ installed: true, summary: { id: 'qd06-2019', version: '1.1.0', origin: 'installed' } });
    expect(installed.summary.sha256).not.toBe(builtin().sha256);
    r = await cfc(['pack', 'list']);
    expect(r.out).toMatch(/qd06-2019\s+1\.1\.0\s+provisional\s+[0-9a-f]{16}\s+installed/);
    expect(r.out).toMatch(/qd06-2019\s+1\.0\.0\s+provisional\s+[0-9a-f]{16}\s+builtin/);
    // cfc pack diff shows the edited brackets.
    r = await cfc(['pack', 'diff', 'qd06-2019@1.0.0', 'qd06-2019@1.1.0']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/7\.1\s+mức 1 ngưỡng\s+98 → 95/);
    expect((await cfc(['pack', 'diff', 'qd06-2019', 'qd06-2019@1.1.0'])).code).toBe(1);
    // Installing again: nothing to do.
    r = await cfc(['--json', 'pack', 'install', f]);
    expect(JSON.parse(r.out)).toMatchObject({ installed: false });

    const svc = testService(dataDir);
    try {
      const input = fullInput(builtin().pack);
      input.values['7.1'] = { numerator: 96, denominator: 100 };
      const old = await svc.call('score.compute', { input: { ...input, packVersion: '1.0.0' } });
      const neu = await svc.call('score.compute', { input: { ...input, packVersion: '1.1.0' } });
      const at = (x: typeof old) => x.criteria.find((c) => c.id === '7')!.points;
      expect(at(old)).toBe(35);
      expect(at(neu)).toBe(50);
      expect(neu.total - old.total).toBe(15);
      expect(neu.pack).toMatchObject({ version: '1.1.0', sha256: installed.summary.sha256 });
    } finally {
      await svc.close();
    }

    // The same version with other content: refused, nothing written.
    br.getCell(r7, 2).value = 94;
    const g = await save(wb, 'qd06-1.1.0-khac.xlsx');
    const before = snapshotDir(dataDir);
    r = await cfc(['--json', 'pack', 'install', g]);
    expect(r.code).toBe(1);
    expect(r.out + r.err).toContain('pack_mismatch');
    expect(snapshotDir(dataDir)).toEqual(before);
  });
});
