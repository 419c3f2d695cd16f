import { createServer } from 'node:http';
import BetterSqlite3 from 'better-sqlite3';

/**
 * Baselines the benchmark compares against, each a bare node:http server in its own process:
 * - `bare`: answers "ok" (the ceiling for framework overhead);
 * - `insert`: parses the JSON body and does one raw better-sqlite3 insert transaction per request
 *   at synchronous=FULL (what a naive durable intake costs).
 */
const [mode, port, dbFile] = process.argv.slice(2);

if (mode === 'bare') {
  createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  }).listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
} else if (mode === 'insert') {
  const db = new BetterSqlite3(dbFile!);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('create table if not exists responses (id text primary key, body text not null, at text not null)');
  const insert = db.prepare('insert into responses (id, body, at) values (?, ?, ?)');
  const write = db.transaction((id: string, body: string) => insert.run(id, body, new Date().toISOString()));
  createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const parsed = JSON.parse(body) as { id: string };
      write(parsed.id, body);
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: parsed.id, status: 'accepted' }));
    });
  }).listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
} else {
  process.stderr.write('usage: baseline-servers.ts bare|insert <port> [db file]\n');
  process.exit(1);
}
