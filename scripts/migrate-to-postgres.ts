import { loadConfigOrExit, fail, parseArgs } from './cli.js';
import { openPostgres, openSqlite } from '../server/db/database.js';
import { copySqliteToPostgres } from '../server/postgres-copy/copy.js';
import { migrate } from '../server/db/migrate.js';

/** `npm run db:migrate-to-postgres -- <sqlite file> <DATABASE_URL>`: copy, verify, report. */
const { positional } = parseArgs(process.argv.slice(2));
const [file, url] = positional;
if (!file || !url || !/^postgres(ql)?:\/\//.test(url)) fail('usage: npm run db:migrate-to-postgres -- <sqlite file> <postgres://…>');
const config = loadConfigOrExit();
const source = openSqlite(file);
await migrate(source);
const target = openPostgres(url);
await migrate(target);
const report = await copySqliteToPostgres(source, target, config.scoring, (table, rows) =>
  process.stdout.write(`copied ${table}: ${rows} rows\n`),
);
const countMismatches = report.tables.filter((t) => t.source !== t.target);
for (const t of countMismatches) process.stdout.write(`row count differs in ${t.table}: ${t.source} in SQLite, ${t.target} in PostgreSQL\n`);
for (const m of report.scoreMismatches) process.stdout.write(`scores differ: ${m}\n`);
process.stdout.write(
  `${report.tables.reduce((a, t) => a + t.target, 0)} rows in ${report.tables.length} tables, scores of ${report.unitsScored} unit-instrument groups compared, ${report.seconds.toFixed(1)} s\n`,
);
await source.close();
await target.close();
if (countMismatches.length || report.scoreMismatches.length) fail('verification failed');
process.stdout.write('verified: row counts and scores are identical\n');
