import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/** Hono on @hono/node-server with one trivial route: measures the framework's overhead alone. */
const app = new Hono().get('/', (c) => c.text('ok'));
serve({ fetch: app.fetch, port: Number(process.argv[2]), hostname: '127.0.0.1' }, () => process.stdout.write('ready\n'));
