import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cfcInProcess } from './cli-io';

const root = path.resolve(import.meta.dirname, '../..');
const fixtures = path.join(root, 'test/fixtures/scoring');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-cli-score-'));
const dataDir = path.join(tmp, 'data');

/** `cfc` in process, through `run(argv, io)`. */
function cfc(...args: string[]) {
  return cfcInProcess(['--data-dir', dataDir, ...args], { cwd: tmp });
}

function writeInput(name: string, mutate: (input: Record<string, unknown> & { values: Record<string, unknown> }) => void): string {
  const input = JSON.parse(fs.readFileSync(path.join(fixtures, 'recognised-other.json'), 'utf8'));
  mutate(input);
  const file = path.join(tmp, name);
  fs.writeFileSync(file, JSON.stringify(input));
  return file;
}

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('cfc score', () => {
  it('scores a good file as JSON', async () => {
    const r = await cfc('score', path.join(fixtures, 'recognised-other.json'), '--json');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.total).toBe(875);
    expect(result.recognised).toBe(true);
    expect(result.pack.id).toBe('qd06-2019');
    expect(result.whatIf).toBeNull();
  });

  it('prints a readable table with the verdict, reasons and the provisional notice', async () => {
    const r = await cfc('score', path.join(fixtures, 'not-recognised.json'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Trẻ em được khai sinh đúng quy định');
    expect(r.stdout).toMatch(/Tổng điểm \/ total: 675\/1\.000/);
    expect(r.stdout).toContain('CHƯA ĐẠT CHUẨN');
    expect(r.stdout).toContain('còn thiếu 175 điểm');
    expect(r.stdout).toContain('Kết quả tạm tính: thang điểm của một số tiêu chí chưa được đối chiếu với văn bản gốc');
  });

  it('takes --pack as an id or a file', async () => {
    expect(JSON.parse((await cfc('score', path.join(fixtures, 'recognised-other.json'), '--pack', 'qd06-2019@1.0.0', '--json')).stdout).total).toBe(875);
    const packFile = path.join(root, 'resources/packs/qd06-2019.json');
    expect(JSON.parse((await cfc('score', path.join(fixtures, 'recognised-other.json'), '--pack', packFile, '--json')).stdout).total).toBe(875);
  });

  const bad: [string, string, RegExp][] = [
    ['unknown indicator', writeInput('unknown.json', (i) => (i.values['2.9'] = true)), /values\.2\.9/],
    ['wrong type', writeInput('type.json', (i) => (i.values['1.1'] = 'yes')), /values\.1\.1/],
    ['negative number', writeInput('negative.json', (i) => (i.values['3.2'] = -2)), /values\.3\.2/],
    ['numerator > denominator', writeInput('ratio.json', (i) => (i.values['2.1'] = { numerator: 121, denominator: 120 })), /values\.2\.1\.numerator/],
    ['unknown pack', writeInput('pack.json', (i) => (i.pack = 'qd99')), /qd99/],
    ['unknown unitClass', writeInput('class.json', (i) => (i.unitClass = 'village')), /unitClass/],
  ];
  it.each(bad)('rejects %s: exit 1, nothing on stdout, stderr names the field', async (_name, file, field) => {
    const r = await cfc('score', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(field);
    expect(r.stderr).toMatch(/^Lỗi: /m);
    expect(r.stderr).toMatch(/^Error: /m);
  });

  it('rejects an unreadable or non-JSON file', async () => {
    const notJson = path.join(tmp, 'not.json');
    fs.writeFileSync(notJson, '{ "pack": ');
    const r1 = await cfc('score', notJson);
    expect(r1).toMatchObject({ code: 1, stdout: '' });
    expect(r1.stderr).toMatch(/not valid JSON/);
    const r2 = await cfc('score', path.join(tmp, 'missing.json'), '--json');
    expect(r2).toMatchObject({ code: 1, stdout: '' });
    expect(JSON.parse(r2.stderr).error).toMatchObject({ code: 'unreadable_file', field: 'file' });
  });

  it('a usage error exits 2', async () => {
    expect((await cfc('score')).code).toBe(2);
    expect((await cfc('pack', 'show')).code).toBe(2);
  });
});

describe('cfc pack', () => {
  it('lists and shows the built-in pack', async () => {
    const list = JSON.parse((await cfc('pack', 'list', '--json')).stdout);
    expect(list.items.map((p: { id: string }) => p.id)).toEqual(['qd06-2019']);
    const show = await cfc('pack', 'show', 'qd06-2019');
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('Mức độ hài lòng của trẻ em và người dân');
    expect((await cfc('pack', 'show', 'nope')).code).toBe(1);
  });

  it('validates a good pack', async () => {
    const r = await cfc('pack', 'validate', path.join(root, 'resources/packs/qd06-2019.json'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/valid: qd06-2019 1\.0\.0/);
  });

  it('rejects a bad pack with one problem per line', async () => {
    const pack = JSON.parse(fs.readFileSync(path.join(root, 'resources/packs/qd06-2019.json'), 'utf8'));
    pack.maxTotal = 999;
    pack.criteria[1].max = 55;
    pack.recognition.thresholds.urban_ward = 1001;
    const file = path.join(tmp, 'bad-pack.json');
    fs.writeFileSync(file, JSON.stringify(pack));
    const r = await cfc('pack', 'validate', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter((l) => /^(criteria\.|maxTotal:|recognition\.)/.test(l));
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.startsWith('criteria.1.max: '))).toBe(true);
    expect(lines.some((l) => l.startsWith('maxTotal: '))).toBe(true);
    expect(lines.some((l) => l.startsWith('recognition.thresholds.urban_ward: '))).toBe(true);
    expect(r.stderr).toMatch(/3 problems/);
  });
});

describe('the data directory', () => {
  it('was never created by score or pack commands', async () => {
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
