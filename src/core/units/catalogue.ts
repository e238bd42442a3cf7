import fs from 'node:fs';
import { z } from 'zod';
import { CfcError } from '../errors';
import { foldVietnamese } from './fold';

export type UnitLevel = 'province' | 'district' | 'commune';
export type UnitClass = 'urban_ward' | 'mountain_island_disadvantaged' | 'other';

export interface UnitRecord {
  code: string;
  name: string;
  type: string;
  level: UnitLevel;
  parentCode: string | null;
  provinceCode: string;
  children: string[];
  /** Folded name, for search. */
  folded: string;
  /** Folded name without its type word ("xa my cam" → "my cam"). */
  foldedBare: string;
}

export interface UnitView {
  /** The catalogue edition (its `dataDate`): a code names a unit only within one edition. */
  edition: string;
  code: string;
  name: string;
  type: string;
  level: UnitLevel;
  parentCode: string | null;
  ancestors: { code: string; name: string; level: UnitLevel }[];
  childCount: number;
  defaultUnitClass: UnitClass | null;
}

const name = z.string().trim().min(1).max(200);
const communeSchema = z.object({ code: z.string().regex(/^\d{5}$/, 'a commune code has 5 digits'), name, type: name });
const districtSchema = z.object({ code: z.string().regex(/^\d{3}$/, 'a district code has 3 digits'), name, type: name, communes: z.array(communeSchema) });
const provinceSchema = z.object({
  code: z.string().regex(/^\d{2}$/, 'a province code has 2 digits'),
  name,
  type: name,
  // 2019 structure: districts; 2025 structure: communes directly under the province. Either or both.
  districts: z.array(districtSchema).optional(),
  communes: z.array(communeSchema).optional(),
  /** 2025-07 edition: the provinces of the previous edition merged into this one (codes of that edition). */
  formerProvinces: z.array(z.string().regex(/^\d{2}$/)).optional(),
});
export const catalogueFileSchema = z.object({
  source: z.string().trim().min(1),
  dataDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
  levels: z.array(z.enum(['province', 'district', 'commune'])).optional(),
  provinces: z.array(provinceSchema).min(1),
});
const fileSchema = catalogueFileSchema;
export type CatalogueFile = z.infer<typeof fileSchema>;

const LEVEL_RANK: Record<UnitLevel, number> = { province: 0, district: 1, commune: 2 };

/** The administrative units catalogue, held in memory (10,047 communes load in a few milliseconds). */
export class UnitCatalogue {
  readonly source: string;
  readonly dataDate: string;
  readonly counts: Record<UnitLevel, number> = { province: 0, district: 0, commune: 0 };
  private readonly byCode = new Map<string, UnitRecord>();
  private readonly provinces: string[] = [];
  private readonly provinceTypes = new Map<string, string>();
  private readonly formerProvinces = new Map<string, string[]>();

  constructor(data: CatalogueFile) {
    this.source = data.source;
    this.dataDate = data.dataDate;
    for (const p of data.provinces) {
      this.add(p, 'province', null, p.code);
      this.provinces.push(p.code);
      this.provinceTypes.set(p.code, p.type);
      if (p.formerProvinces) this.formerProvinces.set(p.code, p.formerProvinces);
      for (const d of p.districts ?? []) {
        this.add(d, 'district', p.code, p.code);
        for (const c of d.communes) this.add(c, 'commune', d.code, p.code);
      }
      for (const c of p.communes ?? []) this.add(c, 'commune', p.code, p.code);
    }
  }

  static load(file: string): UnitCatalogue {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new CfcError('units_unreadable', {
        vi: `Không đọc được danh mục đơn vị hành chính ${file}: ${(e as Error).message}`,
        en: `Cannot read the administrative units catalogue ${file}: ${(e as Error).message}`,
      });
    }
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : '';
      throw new CfcError('units_invalid', {
        vi: `Danh mục đơn vị hành chính ${file} không đúng định dạng (tại ${where}).`,
        en: `The administrative units catalogue ${file} is malformed (at ${where}).`,
      });
    }
    return new UnitCatalogue(parsed.data);
  }

  private add(u: { code: string; name: string; type: string }, level: UnitLevel, parent: string | null, province: string) {
    if (this.byCode.has(u.code)) {
      throw new CfcError('units_duplicate', {
        vi: `Mã đơn vị ${u.code} xuất hiện hai lần trong danh mục.`,
        en: `Unit code ${u.code} appears twice in the catalogue.`,
      });
    }
    const folded = foldVietnamese(u.name);
    const typeFolded = foldVietnamese(u.type);
    const foldedBare = folded.startsWith(typeFolded + ' ') ? folded.slice(typeFolded.length + 1) : folded;
    this.byCode.set(u.code, {
      code: u.code,
      name: u.name.normalize('NFC'),
      type: u.type,
      level,
      parentCode: parent,
      provinceCode: province,
      children: [],
      folded,
      foldedBare,
    });
    this.counts[level]++;
    if (parent) this.byCode.get(parent)?.children.push(u.code);
  }

  /** The edition this catalogue is: its `dataDate`. */
  get edition(): string {
    return this.dataDate;
  }

  /** Whether this edition has a district tier anywhere (the 2025-07 edition has none). */
  get hasDistricts(): boolean {
    return this.counts.district > 0;
  }

  /** The provinces of the previous edition merged into a province of this one ([] when the file does not say). */
  formerProvincesOf(code: string): string[] {
    return this.formerProvinces.get(code) ?? [];
  }

  has(code: string): boolean {
    return this.byCode.has(code);
  }

  record(code: string): UnitRecord | undefined {
    return this.byCode.get(code);
  }

  /** The unit with this code, or a `unit_not_found` error naming `field`. */
  require(code: string, field = 'code'): UnitRecord {
    const r = this.byCode.get(code);
    if (!r) {
      throw new CfcError(
        'unit_not_found',
        { vi: `Không có đơn vị mã ${code} trong danh mục.`, en: `No unit with code ${code} in the catalogue.` },
        { field },
      );
    }
    return r;
  }

  get(code: string): UnitView {
    return this.view(this.require(code));
  }

  children(code: string | null): UnitView[] {
    const codes = code === null ? this.provinces : this.require(code).children;
    return codes.map((c) => this.view(this.byCode.get(c)!));
  }

  /** Every commune-level unit under a unit (or all), in catalogue order. */
  communesUnder(code: string | null): UnitRecord[] {
    const out: UnitRecord[] = [];
    const walk = (c: string) => {
      const r = this.byCode.get(c)!;
      if (r.level === 'commune') out.push(r);
      else r.children.forEach(walk);
    };
    (code === null ? this.provinces : [code]).forEach(walk);
    return out;
  }

  /**
   * Search by name, diacritics optional: "tra vinh" finds "Tỉnh Trà Vinh", "cang long" finds "Huyện Càng Long" and
   * "Thị trấn Càng Long". Every word of the query must begin a word of the name (a plain substring ranks last). Ranked:
   * the exact name (with or without its type word), the name starting with the query, the query as a phrase, all
   * words whole, words as prefixes; then province before district before commune, then by name.
   */
  search(query: string, opts: { level?: UnitLevel; within?: string; limit: number }): { items: UnitView[]; total: number } {
    const q = foldVietnamese(query);
    if (!q) return { items: [], total: 0 };
    const words = q.split(' ');
    const scored: { r: UnitRecord; score: number }[] = [];
    for (const r of this.byCode.values()) {
      if (opts.level && r.level !== opts.level) continue;
      if (opts.within && !this.isWithin(r, opts.within)) continue;
      const score = matchScore(r, q, words);
      if (score > 0) scored.push({ r, score });
    }
    scored.sort(
      (a, b) =>
        b.score - a.score ||
        LEVEL_RANK[a.r.level] - LEVEL_RANK[b.r.level] ||
        a.r.folded.localeCompare(b.r.folded) ||
        a.r.code.localeCompare(b.r.code),
    );
    return { items: scored.slice(0, opts.limit).map((s) => this.view(s.r)), total: scored.length };
  }

  private isWithin(r: UnitRecord, ancestor: string): boolean {
    let cur: UnitRecord | undefined = r;
    while (cur) {
      if (cur.code === ancestor) return true;
      cur = cur.parentCode ? this.byCode.get(cur.parentCode) : undefined;
    }
    return false;
  }

  ancestors(code: string): UnitRecord[] {
    const out: UnitRecord[] = [];
    let cur = this.byCode.get(code);
    while (cur?.parentCode) {
      cur = this.byCode.get(cur.parentCode);
      if (cur) out.unshift(cur);
    }
    return out;
  }

  /**
   * The class the criteria spec derives from the catalogue: a Phường in a province of type "Thành phố Trung ương" is
   * `urban_ward`; an Đặc khu (special zone, 2025-07 edition) fits no class literally, so it has no default (the user
   * picks one with its legal basis); every other commune-level unit is `other` (the user may choose
   * `mountain_island_disadvantaged`).
   */
  defaultUnitClass(code: string): UnitClass | null {
    const r = this.byCode.get(code);
    if (!r || r.level !== 'commune') return null;
    if (foldVietnamese(r.type) === 'dac khu') return null;
    const centralCity = foldVietnamese(this.provinceTypes.get(r.provinceCode) ?? '') === 'thanh pho trung uong';
    return centralCity && foldVietnamese(r.type) === 'phuong' ? 'urban_ward' : 'other';
  }

  private view(r: UnitRecord): UnitView {
    return {
      edition: this.dataDate,
      code: r.code,
      name: r.name,
      type: r.type,
      level: r.level,
      parentCode: r.parentCode,
      ancestors: this.ancestors(r.code).map((a) => ({ code: a.code, name: a.name, level: a.level })),
      childCount: r.children.length,
      defaultUnitClass: this.defaultUnitClass(r.code),
    };
  }
}

function matchScore(r: UnitRecord, q: string, words: string[]): number {
  if (r.folded === q || r.foldedBare === q) return 100;
  if (r.foldedBare.startsWith(q + ' ')) return 90;
  if ((' ' + r.folded + ' ').includes(' ' + q + ' ')) return 80;
  const nameWords = r.folded.split(' ');
  let exact = true;
  for (const w of words) {
    if (nameWords.includes(w)) continue;
    if (!nameWords.some((nw) => nw.startsWith(w))) return r.folded.includes(q) ? 10 : 0;
    exact = false;
  }
  if (exact) return 60;
  return r.foldedBare.startsWith(q) || (' ' + r.folded).includes(' ' + q) ? 50 : 40;
}
