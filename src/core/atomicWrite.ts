import fs from 'node:fs';
import path from 'node:path';

/** Writes a file whole under a temporary name, then renames it: a reader never sees half a file. */
export function atomicWrite(file: string, data: Buffer | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}
