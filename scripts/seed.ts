import { seedDemo } from '../server/seed/index.js';
import { fail, parseArgs, scriptDeps } from './cli.js';

const { flags } = parseArgs(process.argv.slice(2));
const responses = Number(flags.responses ?? 10_000);
const seed = Number(flags.seed ?? 20250701);
/** One JSON line instead ({ surveyCode, lines }), for npm start, which seeds in a child process. */
const json = flags.json === true;
if (!Number.isInteger(responses) || responses < 0) fail('--responses must be a whole number');
if (!Number.isInteger(seed)) fail('--seed must be a whole number');

const deps = await scriptDeps();
const started = performance.now();
let lastReport = 0;
const result = await seedDemo(deps, {
  responses,
  seed,
  onProgress: (written) => {
    if (!json && (written - lastReport >= 500_000 || written === responses)) {
      lastReport = written;
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(`${written} responses, ${Math.round(written / seconds)} /s\n`);
    }
  },
});
const seconds = (performance.now() - started) / 1000;
if (json) process.stdout.write(`${JSON.stringify({ surveyCode: result.surveyCode, lines: result.lines })}\n`);
else {
  for (const line of result.lines) process.stdout.write(`${line}\n`);
  process.stdout.write(`Seeded ${responses} responses in ${seconds.toFixed(1)} s (${Math.round(responses / seconds)} /s)\n`);
}
await deps.db.close();
