/**
 * Hand-made packages across the 2025 reform, for the history tests and the reform e2e: each case names a commune in
 * its edition, a year and what it gets (a review with the team's decision, or only a self-assessment), optionally
 * written in format version 1 (as before catalogue editions: no `unit.catalogue`, read as 2025-03-01).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createReview } from '../../src/core/packages/review';
import { jsonBytes } from '../../src/core/packages/writer';
import { fixture, getJson, makeKey, makePackage, packs, editions, APP, readEntries, resign, setEntry, trustOf, writeRaw, type Entries, type TestKey } from '../unit/packages/helpers';

export interface ReformCase {
  code: string;
  edition: string;
  year: number;
  /** `recognised` / `not_recognised`: a review with that decision; `self`: a self-assessment only. */
  gets: 'recognised' | 'not_recognised' | 'self';
  /** Write the commune package in format version 1 (2025-03-01 units only). */
  version1?: boolean;
}

/** A package rewritten as format version 1 (as written before catalogue editions), re-signed. */
export function asVersion1(entries: Entries, key: TestKey): Entries {
  const doc = getJson<{ formatVersion: number; unit: Record<string, unknown> }>(entries, 'assessment.json');
  doc.formatVersion = 1;
  delete doc.unit['catalogue'];
  return resign(setEntry(entries, 'assessment.json', jsonBytes(doc)), key.pair, (m) => {
    m['formatVersion'] = 1;
    delete (m['unit'] as Record<string, unknown>)['catalogue'];
  });
}

/** The packages of the cases (commune packages, and review packages for the reviewed ones), and every key that signed. */
export async function makeReformPackages(dir: string, cases: readonly ReformCase[]): Promise<{ files: string[]; keys: TestKey[] }> {
  fs.mkdirSync(dir, { recursive: true });
  const keys = new Map<string, TestKey>();
  const keyOf = (role: 'commune' | 'assessor', code: string, edition: string, name: string) => {
    const id = `${role}:${edition}:${code}`;
    if (!keys.has(id)) keys.set(id, makeKey(role, code, name, edition));
    return keys.get(id)!;
  };
  const files: string[] = [];
  fs.mkdirSync(path.join(dir, 'reviews'), { recursive: true });
  for (const c of cases) {
    const cat = editions.get(c.edition);
    const unit = cat.record(c.code)!;
    const sk = keyOf('commune', c.code, c.edition, `Chủ tịch UBND ${unit.name}`);
    const made = await makePackage(path.join(dir, 'made'), sk, { unitEdition: c.edition, year: c.year, now: `${c.year}-10-01T08:00:00.000Z` });
    let file = made.file;
    if (c.version1) file = writeRaw(dir, `v1-${c.code}-${c.year}.cfcpkg`, asVersion1(await readEntries(made.file), sk));
    files.push(file);
    if (c.gets === 'self') continue;
    // The team of the commune's district (2019 structure), or of its province (2025 structure).
    const team = cat.ancestors(c.code).find((a) => a.level === 'district') ?? cat.record(unit.provinceCode)!;
    const rk = keyOf('assessor', team.code, c.edition, `Trưởng đoàn ${team.name}`);
    const rv = await createReview(
      { packs, editions, app: APP, trust: trustOf([sk]) },
      file,
      { values: fixture.values, decision: c.gets, reasons: [], findings: 'Đoàn đã kiểm tra hồ sơ tại xã.', team: [{ name: rk.row.holder_name, title: 'Trưởng đoàn' }] },
      rk,
      path.join(dir, 'reviews'),
      { name: rk.row.holder_name, now: `${c.year}-11-15T08:00:00.000Z` },
    );
    files.push(rv.file);
  }
  return { files, keys: [...keys.values()] };
}
