// ESLint flat config. `npm run lint` runs it together with `prettier --check .`;
// formatting is Prettier's alone, so no stylistic rule is enabled here.
import { defineConfig, globalIgnores } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// ---------------------------------------------------------------------------
// Layer boundaries: mirrors tests/boundaries.test.ts and cloud/boundaries.test.ts (those
// stay: they also see dynamic import() and require(), which this rule does not).
// `no-restricted-imports` keeps only the options of the last config object that sets it
// for a file, so every object below states the whole set for its files via restrict().
// ---------------------------------------------------------------------------

// Package names are matched with anchored regexes, not `group` globs: a glob without a slash
// ('electron', 'path') would also match any relative path with a folder of that name.

/** Node's built-ins, by either name (the list tests/boundaries.test.ts checks, and a few more). */
const node = {
  regex: String.raw`^(node:|(fs|path|os|child_process|crypto|http|https|net|url|util|stream|worker_threads)(/|$))`,
  message: 'Node built-ins are for the main process, cloud/, scripts and tests: this layer also runs in the browser.',
};
/** Electron's API: only electron/shell/ may touch it. */
const electron = {
  regex: '^electron(/|$)',
  message: 'Only electron/shell/ imports electron: the rest of the main process is plain Node, so it also runs in the browser host and in tests.',
};
/** The main process's native and cloud libraries. */
const mainProcessLibraries = {
  regex: '^(better-sqlite3|kysely|@aws-sdk/)',
  message: 'The database and AWS live in the main process (electron/) and cloud/.',
};
/** From renderer/: any folder at the root other than shared/ (relative paths climb out of renderer/ with ../). */
const outsideRenderer = {
  regex: String.raw`^(\.\./)+(electron|cloud|tests|bench|scripts|resources)(/|$)`,
  message: 'renderer/ imports only renderer/ and shared/: it talks to the main process through the contract (shared/contract).',
};
/** From shared/: nothing but shared/. */
const outsideShared = {
  regex: String.raw`^(\.\./)+(electron|renderer|cloud|tests|bench|scripts|resources)(/|$)`,
  message: 'shared/ is the contract both sides use: it imports only shared/.',
};
/** From cloud/: it shares the wire contract (shared/), never the app's code. */
const outsideCloud = {
  regex: String.raw`^(\.\./)+(electron|renderer|tests|bench|scripts|resources)(/|$)`,
  message: 'cloud/ is another program: it imports only cloud/ and shared/.',
};
const reactInCloud = {
  regex: '^(react|react-dom|react-i18next|i18next|zustand)(/|$)',
  message: 'cloud/ is a server: no UI libraries.',
};
/** A feature's *.handlers.ts never reaches into another feature's handlers: share a service or shared/ instead. */
const otherHandlers = {
  group: ['../*/*.handlers'],
  message: "A feature's handlers do not import another feature's handlers: move what both need into a service, or into shared/.",
};

function restrict(...patterns) {
  return { 'no-restricted-imports': ['error', { patterns }] };
}

export default defineConfig(
  // node_modules/ is ignored by default; the rest mirrors .gitignore's build and test output.
  globalIgnores(['dist/', 'release/', 'coverage/', 'test-results/', 'playwright-report/', '.native/', '.data/', '.cloud-data/']),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  js.configs.recommended,
  tseslint.configs.recommended,

  // Globals matter only to the .mjs scripts (typescript-eslint turns no-undef off for TS).
  {
    ignores: ['renderer/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },

  {
    rules: {
      // A leading underscore marks a deliberately unused binding: a parameter kept for its
      // position or signature, or a property dropped with a rest ({ id: _id, ...rest }).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },

  // Hooks live in .ts files too (use-rpc-action.ts, use-form.ts, i18n/hooks.ts): lint both.
  {
    files: ['renderer/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    rules: {
      // The rules below come from the React Compiler, which this app does not build with
      // (vite.config.ts uses plain @vitejs/plugin-react); they flag patterns it uses on purpose.
      // Reading or writing ref.current during render: the "latest callback" ref (useShortcuts,
      // useViewActions), and any hook result that carries a ref (useContractForm's formRef
      // makes every form.values read an error).
      'react-hooks/refs': 'off',
      // Date.now() during render: relative times ("synced 2 min ago") are re-rendered by a tick.
      'react-hooks/purity': 'off',
      // Resetting state at the start of a fetching or subscribing effect (setSlots(null), setStatus('starting')).
      'react-hooks/set-state-in-effect': 'off',
      // Only says whether the compiler could keep a useCallback/useMemo; nothing compiles here.
      'react-hooks/preserve-manual-memoization': 'off',
    },
  },

  // Kysely's own advice for migrations: Kysely<any>, since a migration must not depend on
  // the schema types of today's code (electron/db/schema.ts) but on the database as it was.
  {
    files: ['electron/db/migrations/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // Tests and benchmarks: fakes of Electron's classes and untyped JSON answers are cast with
  // `any`, where spelling the type out would test nothing.
  {
    files: ['**/*.test.{ts,tsx}', 'tests/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // Playwright reads a fixture's first parameter to know which fixtures it uses: a fixture
  // that needs none must still destructure it, as `async ({}, use) => …`.
  {
    files: ['tests/e2e/**'],
    rules: { 'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }] },
  },

  // --- boundaries -----------------------------------------------------------
  {
    files: ['renderer/**'],
    rules: restrict(node, electron, mainProcessLibraries, outsideRenderer),
  },
  {
    files: ['shared/**'],
    rules: restrict(node, electron, mainProcessLibraries, outsideShared),
  },
  // Tests of renderer/ and shared/ run in vitest on Node and may read fixtures with node:fs
  // (tests/boundaries.test.ts skips them likewise); they still keep out of the main process.
  {
    files: ['renderer/**/*.test.{ts,tsx}'],
    rules: restrict(electron, mainProcessLibraries, outsideRenderer),
  },
  {
    files: ['shared/**/*.test.ts'],
    rules: restrict(electron, mainProcessLibraries, outsideShared),
  },
  {
    files: ['electron/**'],
    ignores: ['electron/shell/**'],
    rules: restrict(electron),
  },
  {
    files: ['electron/*/*.handlers.ts'],
    ignores: ['electron/shell/**'],
    rules: restrict(electron, otherHandlers),
  },
  {
    files: ['electron/shell/*.handlers.ts'],
    rules: restrict(otherHandlers),
  },
  {
    files: ['cloud/**'],
    rules: restrict(electron, outsideCloud, reactInCloud),
  },
);
