import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { canonicalSha256 } from '../criteria/hash';
import { readJsonFile } from '../criteria/registry';
import { CfcError } from '../errors';
import { UnitCatalogue, catalogueFileSchema, type UnitRecord } from './catalogue';
import { UnitMapping, invalidMapping, mappingFileSchema } from './mapping';

/** The edition of every unit stored or signed before editions existed (and of format-version-1 packages). */
export const BASE_EDITION = '2025-03-01';

/** `editions.json`: the editions and mappings of a folder (resources/units, or <data>/units for loaded ones). */
const indexSchema = z.object({
  editions: z.array(z.object({ dataDate: z.string(), file: z.string() }).strict()),
  mappings: z.array(z.object({ from: z.string(), to: z.string(), file: z.string() }).strict()),
});
type Index = z.infer<typeof indexSchema>;
const INDEX = 'editions.json';

interface EditionSource {
  dataDate: string;
  file: string;
  origin: 'builtin' | 'loaded';
  loaded?: { catalogue: UnitCatalogue; sha256: string };
}

export interface EditionSummary {
  dataDate: string;
  source: string;
  sha256: string;
  origin: 'builtin' | 'loaded';
  current: boolean;
  counts: { provinces: number; districts: number; communes: number };
}

/** A unit of another edition, as history shows it. */
export interface LinkedUnit {
  edition: string;
  code: string;
  name: string;
  /** Where it is: its province (and district) names in its edition. */
  place: string;
  /** The whole old unit went into the new one (a successor), or the new one took all of the old one (a predecessor). */
  whole: boolean;
}

export interface UnitHistory {
  edition: string;
  code: string;
  name: string;
  place: string;
  /** The units of the previous edition whose territory went into this one. */
  predecessors: LinkedUnit[];
  /** The units of the next edition that took over this one's territory ([] for a unit of the newest edition). */
  successors: LinkedUnit[];
}

/** "01/07/2025" from "2025-07-01". */
export function editionDateVi(edition: string): string {
  const [y, m, d] = edition.split('-');
  return `${d}/${m}/${y}`;
}

/**
 * The catalogue editions the app knows: the built-in ones (resources/units) and those loaded into the data folder.
 * Only the newest is read at start-up; an older one is read the first time a unit of it is looked up.
 */
export class UnitEditions {
  private readonly sources: EditionSource[];
  private readonly mappingFiles: { from: string; to: string; file: string; mapping?: UnitMapping }[];

  /** The folder the built-in editions came from (for reopening after a load). */
  resourcesDir = '';

  constructor(sources: EditionSource[], mappings: { from: string; to: string; file: string }[]) {
    this.sources = [...sources].sort((a, b) => a.dataDate.localeCompare(b.dataDate));
    this.mappingFiles = mappings.map((m) => ({ ...m }));
    if (this.sources.length === 0) throw new Error('No administrative units catalogue');
  }

  /** The built-in editions of `<resourcesDir>/units` plus those loaded into `<dataDir>/units` (a loaded one wins). */
  static open(resourcesDir: string, dataDir?: string): UnitEditions {
    const sources: EditionSource[] = [];
    const mappings: { from: string; to: string; file: string }[] = [];
    const addFolder = (dir: string, origin: EditionSource['origin']) => {
      const index = readIndex(dir);
      if (!index) return;
      for (const e of index.editions) {
        const i = sources.findIndex((s) => s.dataDate === e.dataDate);
        if (i >= 0) sources.splice(i, 1);
        sources.push({ dataDate: e.dataDate, file: path.join(dir, e.file), origin });
      }
      for (const m of index.mappings) {
        const i = mappings.findIndex((x) => x.from === m.from && x.to === m.to);
        if (i >= 0) mappings.splice(i, 1);
        mappings.push({ ...m, file: path.join(dir, m.file) });
      }
    };
    addFolder(path.join(resourcesDir, 'units'), 'builtin');
    if (dataDir) addFolder(loadedDir(dataDir), 'loaded');
    const editions = new UnitEditions(sources, mappings);
    editions.resourcesDir = resourcesDir;
    return editions;
  }

  /** The newest edition's date: the default for everything new. */
  get currentEdition(): string {
    return this.sources[this.sources.length - 1]!.dataDate;
  }

  /** The newest edition. */
  current(): UnitCatalogue {
    return this.get(this.currentEdition);
  }

  dates(): string[] {
    return this.sources.map((s) => s.dataDate);
  }

  has(edition: string): boolean {
    return this.sources.some((s) => s.dataDate === edition);
  }

  /** An edition by its date, or null when it is not known here. */
  find(edition: string): UnitCatalogue | null {
    const s = this.sources.find((x) => x.dataDate === edition);
    return s ? this.loadSource(s).catalogue : null;
  }

  /** An edition by its date, or `unknown_edition` naming the field and the editions there are. */
  get(edition: string, field = 'edition'): UnitCatalogue {
    const c = this.find(edition);
    if (c) return c;
    const known = this.dates().join(', ');
    throw new CfcError(
      'unknown_edition',
      {
        vi: `Không có danh mục đơn vị hành chính ấn bản ${edition} (trường ${field}). Các ấn bản hiện có: ${known}.`,
        en: `There is no administrative units catalogue edition ${edition} (field ${field}). Known editions: ${known}.`,
      },
      { field },
    );
  }

  summary(edition: string): EditionSummary {
    const s = this.sources.find((x) => x.dataDate === edition);
    if (!s) this.get(edition);
    const { catalogue, sha256 } = this.loadSource(s!);
    return {
      dataDate: catalogue.dataDate,
      source: catalogue.source,
      sha256,
      origin: s!.origin,
      current: edition === this.currentEdition,
      counts: { provinces: catalogue.counts.province, districts: catalogue.counts.district, communes: catalogue.counts.commune },
    };
  }

  list(): EditionSummary[] {
    return this.dates().map((d) => this.summary(d));
  }

  /** The edition before / after one (null at the ends). */
  previous(edition: string): string | null {
    const i = this.dates().indexOf(edition);
    return i > 0 ? this.dates()[i - 1]! : null;
  }

  next(edition: string): string | null {
    const d = this.dates();
    const i = d.indexOf(edition);
    return i >= 0 && i < d.length - 1 ? d[i + 1]! : null;
  }

  /** The mapping between two editions, read on first use; null when none is known. */
  mapping(from: string, to: string): UnitMapping | null {
    const m = this.mappingFiles.find((x) => x.from === from && x.to === to);
    if (!m) return null;
    if (!m.mapping) {
      const parsed = mappingFileSchema.safeParse(readJsonFile(m.file, 'mapping'));
      if (!parsed.success) throw invalidMapping(m.file, parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
      m.mapping = new UnitMapping(parsed.data);
    }
    return m.mapping;
  }

  /** The units of the next edition that took over a unit's territory, through the mapping ([] when there is none). */
  successors(edition: string, code: string): LinkedUnit[] {
    const next = this.next(edition);
    if (!next) return [];
    const m = this.mapping(edition, next);
    if (!m) return [];
    const to = this.get(next);
    return m.successors(code).map((t) => linked(to, t.code, t.whole));
  }

  /** The units of the previous edition whose territory went into a unit. */
  predecessors(edition: string, code: string): LinkedUnit[] {
    const prev = this.previous(edition);
    if (!prev) return [];
    const m = this.mapping(prev, edition);
    if (!m) return [];
    const from = this.get(prev);
    // "whole" seen from the new unit: the old one went entirely into it.
    return m.predecessors(code).map((p) => linked(from, p.code, p.whole));
  }

  /**
   * The communes of the newest edition that a unit of an older edition became, following the mappings edition by
   * edition; partial when any step split it. [] when no mapping reaches the newest edition.
   */
  currentSuccessors(edition: string, code: string): LinkedUnit[] {
    let units: LinkedUnit[] = [{ ...linked(this.get(edition), code, true) }];
    let at = edition;
    while (at !== this.currentEdition) {
      const next: LinkedUnit[] = [];
      for (const u of units) for (const s of this.successors(at, u.code)) if (!next.some((n) => n.code === s.code)) next.push({ ...s, whole: s.whole && u.whole });
      if (next.length === 0) return [];
      units = next;
      at = this.next(at)!;
    }
    return edition === this.currentEdition ? [] : units;
  }

  /** A unit with its predecessors and successors. */
  history(edition: string, code: string): UnitHistory {
    const cat = this.get(edition);
    const r = cat.require(code);
    return {
      edition,
      code: r.code,
      name: r.name,
      place: placeOf(cat, r),
      predecessors: this.predecessors(edition, code),
      successors: this.successors(edition, code),
    };
  }

  /** The editions that have a unit with this code (a code may name different units in different editions). */
  editionsWith(code: string): string[] {
    return this.dates().filter((d) => this.get(d).has(code));
  }

  private loadSource(s: EditionSource): { catalogue: UnitCatalogue; sha256: string } {
    if (!s.loaded) {
      const raw = readJsonFile(s.file, 'edition');
      const catalogue = parseCatalogue(raw, s.file);
      if (catalogue.dataDate !== s.dataDate) throw new Error(`${s.file}: dataDate ${catalogue.dataDate}, listed as ${s.dataDate}`);
      s.loaded = { catalogue, sha256: canonicalSha256(raw) };
    }
    return s.loaded;
  }
}

function linked(cat: UnitCatalogue, code: string, whole: boolean): LinkedUnit {
  const r = cat.record(code);
  return { edition: cat.dataDate, code, name: r?.name ?? code, place: r ? placeOf(cat, r) : '', whole };
}

/** "Huyện Càng Long, Tỉnh Trà Vinh": a unit's ancestors, nearest first. */
export function placeOf(cat: UnitCatalogue, r: UnitRecord): string {
  return cat
    .ancestors(r.code)
    .map((a) => a.name)
    .reverse()
    .join(', ');
}

function readIndex(dir: string): Index | null {
  const file = path.join(dir, INDEX);
  if (!fs.existsSync(file)) return null;
  const parsed = indexSchema.safeParse(readJsonFile(file, 'edition'));
  if (!parsed.success) throw new Error(`${file} is malformed`);
  return parsed.data;
}

export function loadedDir(dataDir: string): string {
  return path.join(dataDir, 'units');
}

/** A catalogue from parsed JSON, validated (schema, unique codes), or `units_invalid` / `units_duplicate` naming `origin`. */
export function parseCatalogue(raw: unknown, origin: string): UnitCatalogue {
  const parsed = catalogueFileSchema.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new CfcError(
      'units_invalid',
      {
        vi: `Danh mục đơn vị hành chính ${origin} không đúng định dạng (${where}).`,
        en: `The administrative units catalogue ${origin} is malformed (${where}).`,
      },
      { field: 'file' },
    );
  }
  try {
    return new UnitCatalogue(parsed.data);
  } catch (e) {
    if (e instanceof CfcError) {
      throw new CfcError(e.code, { vi: `${origin}: ${e.messages.vi}`, en: `${origin}: ${e.messages.en}` }, { field: 'file' });
    }
    throw e;
  }
}
