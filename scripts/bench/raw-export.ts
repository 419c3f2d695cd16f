import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The raw-export budget (performance.md: 1 M responses streamed at ≥ 100k rows/s in < 200 MB RSS),
 * measured in a child process of its own so its peak RSS is the export's alone. The baseline, timed
 * in the same child, is a bare better-sqlite3 scan of the same rows into naive CSV lines.
 */
export interface RawExportBench {
  from: string;
  to: string;
  rows: number;
  bytes: number;
  seconds: number;
  baselineRows: number;
  baselineBytes: number;
  baselineSeconds: number;
  rssAtStartMb: number;
  peakRssMb: number;
  peakHeapMb: number;
}

const run = promisify(execFile);

export async function benchRawExport(file: string): Promise<RawExportBench> {
  const root = path.resolve(import.meta.dirname, '../..');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/bench/raw-export-child.ts'), path.resolve(file)], {
    cwd: root,
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as RawExportBench;
}
