import { openPostgres, openSqlite } from '../db/database.js';
import { migrate } from '../db/migrate.js';

/** Child process for the concurrent-start test: migrates the given file or URL and prints how many it applied. */
const target = process.argv[2]!;
const db = target.startsWith('postgres://') ? openPostgres(target) : openSqlite(target);
process.stdout.write(`${await migrate(db)}\n`);
await db.close();
