/**
 * The import rules of ARCHITECTURE.md, checked by `npm run lint` (dependency-cruiser). Each rule
 * fails the run; none is a warning. "Test code" is every *.test.ts(x), server/testing/ (harness,
 * builders, load generators, child servers) and scripts/ (command-line tools, benchmarks).
 */
const TEST_FILE = '\\.test\\.tsx?$';
const TEST_OR_BENCH_CODE = [TEST_FILE, '^server/testing/', '^scripts/', '(^|/)bench[^/]*\\.tsx?$', '(^|/)(testing|test-support)\\.tsx?$'];
const PRODUCT_CODE = '^(server|schema|admin-ui/src|survey-ui/src)/';
/** Packages and Node's own modules: allowed wherever the code runs (the bundle checks what a browser gets). */
const PACKAGES = ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'npm-unknown'];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other cannot be read, tested or moved one at a time.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing (a moved or misspelt file).',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'product-imports-no-test-code',
      severity: 'error',
      comment: 'Product code (what runs in production) never imports tests, the test harness, scripts or benchmarks.',
      from: { path: PRODUCT_CODE, pathNot: TEST_OR_BENCH_CODE },
      to: { path: TEST_OR_BENCH_CODE },
    },
    {
      name: 'admin-ui-imports-only-schema',
      severity: 'error',
      comment: 'The admin app talks to the server over HTTP; the only code it shares is schema/.',
      from: { path: '^admin-ui/src/', pathNot: TEST_FILE },
      to: { pathNot: ['^admin-ui/src/', '^schema/'], dependencyTypesNot: PACKAGES },
    },
    {
      name: 'survey-ui-imports-only-schema',
      severity: 'error',
      comment: 'The citizen survey talks to the server over HTTP; the only code it shares is schema/.',
      from: { path: '^survey-ui/src/', pathNot: TEST_FILE },
      to: { pathNot: ['^survey-ui/src/', '^schema/'], dependencyTypesNot: PACKAGES },
    },
    {
      name: 'schema-imports-only-schema',
      severity: 'error',
      comment: 'schema/ is shared by the server and both apps, so it depends on nothing of theirs.',
      from: { path: '^schema/', pathNot: TEST_FILE },
      to: { pathNot: '^schema/', dependencyTypesNot: PACKAGES },
    },
    {
      name: 'db-imports-no-feature',
      severity: 'error',
      comment:
        'server/db/ (connection, types, migrations) sits under every feature: it may import itself, schema/ and the ' +
        'top-level server/*.ts helpers (config, time, clock, private-files…), never a server/<feature>/ folder.',
      from: { path: '^server/db/', pathNot: TEST_FILE },
      to: { path: '^server/[^/]+/', pathNot: '^server/db/' },
    },
    {
      name: 'features-meet-through-index',
      severity: 'error',
      comment:
        'A feature uses another feature through that feature\'s index.ts, not its internals (db/ is a layer, ' +
        'not a feature: every feature may import it).',
      from: { path: '^server/([^/]+)/', pathNot: [TEST_FILE, '^server/testing/', '^server/db/'] },
      to: { path: '^server/[^/]+/', pathNot: ['^server/$1/', '^server/[^/]+/index\\.ts$', '^server/db/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
