// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

/** Modules that only the Node side may use. */
const nodeOnly = ['better-sqlite3', 'kysely', 'node:*', 'fs', 'path', 'crypto', 'os', 'child_process', 'electron'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/cli/bin.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // The core is the domain: it runs anywhere, so it must not know Electron, React, the DOM or the layers above it.
  {
    files: ['src/core/**/*.ts'],
    languageOptions: { globals: { ...globals.node, window: 'off', document: 'off', navigator: 'off' } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'src/core must not import Electron.' },
            { group: ['react', 'react-dom', 'react/*', 'react-dom/*', '@mantine/*', '@tabler/*', 'i18next', 'react-i18next'], message: 'src/core must not import React or UI code.' },
            { regex: '^\\.{1,2}/(.*/)?(api|renderer|server|cli|electron)(/|$)', message: 'src/core is the bottom layer: it imports nothing from api, renderer, server, cli or electron.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'fetch'],
    },
  },
  // The contract's schemas are shared with the renderer: pure zod, nothing from Node.
  {
    files: ['src/api/contract.ts', 'src/api/calls/**/*.ts', 'src/api/errors.ts', 'src/api/client.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeOnly, message: 'The contract is shared with the renderer: no Node modules.' },
            { regex: '^\\.{1,2}/(.*/)?(core/store|server|cli|electron|renderer|handlers)(/|$)|/service$', message: 'The contract depends on nothing but zod and pure core schemas.' },
          ],
        },
      ],
    },
  },
  // The renderer talks to the core only through the contract.
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeOnly, message: 'The renderer reaches data only through the contract (src/api/contract).' },
            {
              regex: '^\\.{1,2}/(.*/)?(core|server|cli|electron)(/|$)|^\\.{1,2}/(.*/)?api/(service|handlers|context|validation|meta)(/|$)',
              message: 'The renderer imports only the contract (src/api/contract, calls, errors, client) and its own files.',
            },
          ],
        },
      ],
    },
  },
  // The CLI is a client of the service like the two shells: it calls the local contract (ctx().service().call), never
  // the core, the handlers or the server (test/integration/cli-layering.test.ts also checks its dynamic imports).
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.{1,2}/(.*/)?(core|server|electron|renderer)(/|$)|^\\.{1,2}/(.*/)?api/(handlers|host|service)(/|$)',
              message: 'The CLI reaches the core only through the local contract: ctx().service().call (src/api/local.ts loads the service).',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  // React's rules of hooks, and effects that name what they depend on.
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  // Electron's preload is sandboxed: it may import electron and the contract's call names, nothing else.
  {
    files: ['electron/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['react', 'react-dom', '@mantine/*', '**/renderer/**'], message: 'Electron glue does not import the UI.' }] },
      ],
    },
  },
);
