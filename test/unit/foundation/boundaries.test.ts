import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers';

const eslint = new ESLint({ cwd: repoRoot });

/** Lints a snippet as if it were a file at `file`, returning the import-boundary messages. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals')
    .map((m) => m.message);
}

describe('the layering is enforced by lint', () => {
  const core = 'src/core/scoring/probe.ts';
  it.each([
    ["import { app } from 'electron';", 'Electron'],
    ["import { useState } from 'react';", 'React'],
    ["import { Button } from '@mantine/core';", 'React or UI'],
    ["import { contract } from '../../api/contract';", 'bottom layer'],
    ["import { startServer } from '../../server/server';", 'bottom layer'],
  ])('src/core may not: %s', async (code, says) => {
    const errors = await boundaryErrors(core, `${code}\nexport const x = 1;\n`);
    expect(errors.join('\n')).toContain(says);
  });

  it('src/core may not touch the DOM', async () => {
    const errors = await boundaryErrors(core, 'export const w = window.innerWidth;\n');
    expect(errors.length).toBe(1);
  });

  it('src/core may use Node and zod', async () => {
    expect(await boundaryErrors(core, "import fs from 'node:fs';\nimport { z } from 'zod';\nexport const x = [fs, z];\n")).toEqual([]);
  });

  const renderer = 'src/renderer/src/probe.ts';
  it.each([
    "import Database from 'better-sqlite3';",
    "import { Kysely } from 'kysely';",
    "import fs from 'node:fs';",
    "import { ipcRenderer } from 'electron';",
    "import { openStore } from '../../core/store/db';",
    "import { createService } from '../../api/service';",
  ])('the renderer may not: %s', async (code) => {
    const errors = await boundaryErrors(renderer, `${code}\nexport const x = 1;\n`);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('the renderer may import the contract and its client', async () => {
    const code =
      "import { contract } from '../../api/contract';\nimport { createClient } from '../../api/client';\nexport const x = [contract, createClient];\n";
    expect(await boundaryErrors(renderer, code)).toEqual([]);
  });

  it('the contract may not import Node modules (the renderer bundles it)', async () => {
    const errors = await boundaryErrors('src/api/calls/probe.ts', "import fs from 'node:fs';\nexport const x = fs;\n");
    expect(errors.length).toBeGreaterThan(0);
  });
});
