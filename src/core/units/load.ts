import fs from 'node:fs';
import path from 'node:path';
import { canonicalSha256 } from '../criteria/hash';
import { readJsonFile } from '../criteria/registry';
import { CfcError } from '../errors';
import { writeDurably } from '../fsx/durable';
import { loadedDir, parseCatalogue, UnitEditions, type EditionSummary } from './editions';
import { UnitMapping, invalidMapping, mappingFileSchema } from './mapping';

export interface LoadResult {
  edition: EditionSummary;
  /** false: this exact edition (same canonical SHA-256) was already there; nothing was written. */
  added: boolean;
  mapping: { from: string; to: string; communes: number } | null;
}

function refuse(code: string, vi: string, en: string, field = 'file'): CfcError {
  return new CfcError(code, { vi, en }, { field });
}

/**
 * Loads a newer catalogue edition (and optionally the mapping from the edition before it) into `<data>/units`.
 * Everything is checked before anything is written: the schema, unique codes, every province with its communes, the
 * date newer than the current edition, and the mapping against both editions. The files are written under temporary
 * names and renamed, the index last, so a failure leaves the folder as it was.
 */
export function loadEdition(editions: UnitEditions, dataDir: string, file: string, mappingFile?: string): { result: LoadResult; editions: UnitEditions } {
  const raw = readJsonFile(file, 'file');
  const catalogue = parseCatalogue(raw, file);
  for (const p of catalogue.children(null)) {
    if (catalogue.communesUnder(p.code).length === 0) {
      throw refuse('units_invalid', `Danh mục ${file}: ${p.name} (${p.code}) không có đơn vị cấp xã nào.`, `Catalogue ${file}: ${p.name} (${p.code}) has no commune.`);
    }
  }
  const sha256 = canonicalSha256(raw);
  const date = catalogue.dataDate;
  if (editions.has(date)) {
    const known = editions.summary(date);
    if (known.sha256 === sha256 && !mappingFile) return { result: { edition: known, added: false, mapping: null }, editions };
    if (known.sha256 !== sha256) {
      throw refuse(
        'edition_conflict',
        `Đã có danh mục ấn bản ${date} với nội dung khác (SHA-256 ${known.sha256.slice(0, 12)}…); không thay thế một ấn bản đã dùng.`,
        `There already is a catalogue edition ${date} with other content (SHA-256 ${known.sha256.slice(0, 12)}…); an edition in use is never replaced.`,
      );
    }
  }
  const previous = editions.has(date) ? editions.previous(date) : editions.currentEdition;
  if (!editions.has(date) && date <= editions.currentEdition) {
    throw refuse(
      'edition_not_newer',
      `Danh mục ${file} là ấn bản ${date}, không mới hơn ấn bản hiện dùng ${editions.currentEdition}.`,
      `Catalogue ${file} is edition ${date}, not newer than the edition in use, ${editions.currentEdition}.`,
    );
  }

  let mapping: UnitMapping | null = null;
  if (mappingFile) {
    const mappingRaw = readJsonFile(mappingFile, 'mapping');
    const parsed = mappingFileSchema.safeParse(mappingRaw);
    if (!parsed.success) throw invalidMapping(mappingFile, parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
    mapping = new UnitMapping(parsed.data);
    if (!previous || mapping.from !== previous || mapping.to !== date) {
      throw invalidMapping(mappingFile, [`it maps ${mapping.from} → ${mapping.to}; this edition needs ${previous ?? '—'} → ${date}`]);
    }
    const problems = mapping.problems(editions.get(previous), catalogue);
    if (problems.length) throw invalidMapping(mappingFile, problems);
  }

  // Everything checked: write the files, then the index that names them.
  const dir = loadedDir(dataDir);
  const indexFile = path.join(dir, 'editions.json');
  const index = fs.existsSync(indexFile)
    ? (JSON.parse(fs.readFileSync(indexFile, 'utf8')) as { editions: { dataDate: string; file: string }[]; mappings: { from: string; to: string; file: string }[] })
    : { editions: [], mappings: [] };
  const catalogueName = `vn-admin-units-${date}.json`;
  writeDurably(path.join(dir, catalogueName), fs.readFileSync(file));
  if (!index.editions.some((e) => e.dataDate === date)) index.editions.push({ dataDate: date, file: catalogueName });
  if (mapping && mappingFile) {
    const mappingName = `vn-admin-units-${mapping.from}-to-${mapping.to}.json`;
    writeDurably(path.join(dir, mappingName), fs.readFileSync(mappingFile));
    index.mappings = index.mappings.filter((m) => !(m.from === mapping.from && m.to === mapping.to));
    index.mappings.push({ from: mapping.from, to: mapping.to, file: mappingName });
  }
  writeDurably(indexFile, JSON.stringify(index, null, 2) + '\n');
  const reopened = UnitEditions.open(editions.resourcesDir, dataDir);
  return {
    result: {
      edition: reopened.summary(date),
      added: true,
      mapping: mapping ? { from: mapping.from, to: mapping.to, communes: mapping.size } : null,
    },
    editions: reopened,
  };
}
