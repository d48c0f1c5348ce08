/**
 * The lint rules `npm test` runs (`npm run lint`). One job for now: every setting reaches the
 * code through its lib's settings class (libs/platform/config), so nothing else reads
 * process.env. Tests, benchmarks and scripts are harnesses that start processes, not the
 * product, and may.
 */
const tsParser = require('@typescript-eslint/parser');

const NO_ENV = 'Settings come from the lib\'s settings class (defineSettings in libs/platform/config), validated once per process: declare the variable there instead of reading process.env.';

module.exports = [
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'coverage/**'] },
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/platform/config/**', '**/*.spec.ts', '**/*.testing.ts'],
    languageOptions: { parser: tsParser, ecmaVersion: 2022, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: NO_ENV }],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name='env'][object.property.name='process']", message: NO_ENV },
      ],
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'process', importNames: ['env'], message: NO_ENV }, { name: 'node:process', importNames: ['env'], message: NO_ENV }] },
      ],
    },
  },
];
