import fs from 'node:fs';
import { CfcError } from '../errors';
import type { TrustEntry } from '../packages/verify';
import { loadPack } from './registry';
import type { LoadedPack, PackIssuer } from './schema';
import { isSignedPack, verifySignedPack } from './sign';

/** A pack read from any file a person may hand over: a workbook, a signed pack, or a pack's JSON. */
export interface PackSource {
  loaded: LoadedPack;
  format: 'xlsx' | 'signed' | 'json';
  signed?: { bytes: Buffer; issuer: PackIssuer };
}

/** Reads a pack file by its content (an XLSX is a zip: "PK"; a signed pack is JSON with its format), validated. */
export async function readPackSource(file: string, trust: (keyId: string) => TrustEntry | null, name = file): Promise<PackSource> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    throw new CfcError('unreadable_file', { vi: `Không đọc được tệp ${name}.`, en: `The file ${name} cannot be read.` }, { field: 'file' });
  }
  if (bytes.subarray(0, 2).toString('latin1') === 'PK') {
    const { xlsxToPack } = await import('./xlsxRead'); // exceljs: loaded on first use
    return { loaded: await xlsxToPack(bytes, name), format: 'xlsx' };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new CfcError('invalid_json', { vi: `Tệp ${name} không phải JSON hợp lệ: ${(e as Error).message}`, en: `The file ${name} is not valid JSON: ${(e as Error).message}` }, { field: 'file' });
  }
  if (isSignedPack(raw)) {
    const v = verifySignedPack(raw, name, trust);
    return { loaded: v.loaded, format: 'signed', signed: { bytes, issuer: v.issuer } };
  }
  return { loaded: loadPack(raw, name), format: 'json' };
}
