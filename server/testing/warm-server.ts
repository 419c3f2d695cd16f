import { main } from '../main.js';

/**
 * The real server entry (`main()`), loaded but not started: it starts when a line arrives on stdin.
 * The crash test spawns the next server while the current one is under load, so a restart after
 * kill -9 costs only opening the database (WAL recovery) and listening, not loading every module.
 */
process.stdin.once('data', () => {
  process.stdin.pause();
  void main();
});
process.stdout.write('loaded\n');
