import { openSqlite } from '../db/database.js';
import { migrate } from '../db/migrate.js';

/** Child process for the concurrent-start test: migrates the given file and prints how many it applied. */
const db = openSqlite(process.argv[2]!);
process.stdout.write(`${await migrate(db)}\n`);
await db.close();
