/**
 * Structured one-line JSON logs. Callers pass only operational fields: never tokens, passwords,
 * IP addresses, dossier codes or citizens' free text.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export const consoleLogger: Logger = {
  info: (event, fields) => process.stdout.write(`${JSON.stringify({ t: new Date().toISOString(), event, ...fields })}\n`),
  error: (event, fields) => process.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), event, ...fields })}\n`),
};

export const silentLogger: Logger = { info: () => {}, error: () => {} };
