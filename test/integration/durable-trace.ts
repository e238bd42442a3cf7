import fs from 'node:fs';
import path from 'node:path';
import { expect, vi } from 'vitest';

/** Tracing the durable write path (src/core/fsx/durable.ts) in tests: what was fsynced and renamed, in order. */

/** Records opens (fd → path), fsyncs and renames, in order. */
export function traceFs() {
  const fds = new Map<number, string>();
  const log: string[] = [];
  const open = fs.openSync.bind(fs);
  const fsync = fs.fsyncSync.bind(fs);
  const rename = fs.renameSync.bind(fs);
  vi.spyOn(fs, 'openSync').mockImplementation(((p: fs.PathLike, ...rest: unknown[]) => {
    const fd = (open as (...a: unknown[]) => number)(p, ...rest);
    fds.set(fd, String(p));
    return fd;
  }) as typeof fs.openSync);
  vi.spyOn(fs, 'fsyncSync').mockImplementation((fd: number) => {
    log.push(`fsync ${fds.get(fd)}`);
    fsync(fd);
  });
  vi.spyOn(fs, 'renameSync').mockImplementation((a: fs.PathLike, b: fs.PathLike) => {
    log.push(`rename ${String(a)} -> ${String(b)}`);
    rename(a, b);
  });
  // The importer writes and flushes its files through file handles (a group's flushes at once, off the thread).
  const openHandle = fs.promises.open.bind(fs.promises);
  vi.spyOn(fs.promises, 'open').mockImplementation((async (p: fs.PathLike, ...rest: unknown[]) => {
    const fh = await (openHandle as (...a: unknown[]) => Promise<fs.promises.FileHandle>)(p, ...rest);
    const sync = fh.sync.bind(fh);
    fh.sync = async () => {
      await sync();
      log.push(`fsync ${String(p)}`);
    };
    return fh;
  }) as typeof fs.promises.open);
  return log;
}

/** For each file moved into place: fsync of the file, then its rename, then fsync of the target's folder. */
export function expectDurable(log: string[], target: string) {
  const r = log.findIndex((l) => l.endsWith(`-> ${target}`));
  expect(r, `${target} renamed into place\n${log.join('\n')}`).toBeGreaterThan(0);
  const from = log[r]!.slice('rename '.length, log[r]!.indexOf(' -> '));
  expect(log.slice(0, r)).toContain(`fsync ${from}`);
  expect(log.slice(r + 1)).toContain(`fsync ${path.dirname(target)}`);
}
