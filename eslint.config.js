// ESLint with typescript-eslint's type-aware rules. `npm test` runs it; any error fails the run.
// Rules chosen for the bugs this code base can have: promises nobody awaits (a lost write or an unhandled rejection in
// the worker), results nobody reads, `any` that switches the type checker off, switches that forget a union member.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/', '.output*/', '.wxt/', 'demo-output/', 'test-output/', 'bench/results.json'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'prefer-const': ['error', { destructuring: 'all' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-unused-expressions': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Prettier wraps code at 120 columns but leaves comments alone; this holds comments to the same width.
      'max-len': [
        'error',
        {
          code: 120,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreUrls: true,
          ignoreRegExpLiterals: true,
          ignorePattern: '^\\s*<path ', // SVG path data in components/popup/Icons.tsx
        },
      ],
      // Off on purpose. Many of our async functions implement a Promise-returning interface without awaiting anything.
      '@typescript-eslint/require-await': 'off',
      // Off on purpose: we pass closures and `{ t }`-style bags around, never class methods that rely on `this`.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Tests read the stand-in's JSON and mocks loosely on purpose; their assertions check the shape. Product code
    // parses every boundary with zod, so the no-unsafe-* family stays on there.
    files: ['tests/**', 'scripts/**'],
    rules: {
      // Puppeteer's target and console types are string enums compared with their documented string values.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      // `querySelector('…') as HTMLInputElement` asserts presence as well as type, which a type argument would not.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The stand-in portals' own page script runs in a browser.
    files: ['tests/fake-tenant/portals/*.js'],
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', location: 'readonly', history: 'readonly' },
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },
);
