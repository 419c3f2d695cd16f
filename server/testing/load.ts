import http from 'node:http';
import { timeOrderedUuid } from '../../survey-ui/src/storage.js';

export type Answers = Record<string, number | null>;

export interface LoadOptions {
  /** Base URL of the server, e.g. http://127.0.0.1:3000 */
  url: string;
  surveyCode: string;
  ratePerSecond: number;
  /** Requests in flight at most; the rate drops when the server cannot keep up. */
  maxInFlight?: number;
  /** Distinct clients (each its own address and user agent) cycled through: with few of them the per-address limit flags some answers as suspect. */
  userAgents?: number;
}

/** Random QUAY@1 answers: 1–5, and "no opinion" sometimes on the item that allows it. */
function randomAnswers(): Answers {
  const score = () => 1 + Math.floor(Math.random() * 5);
  return {
    'QUAY.1': score(),
    'QUAY.2': score(),
    'QUAY.3': score(),
    'QUAY.4': Math.random() < 0.2 ? null : score(),
    'QUAY.ALL': score(),
  };
}

/**
 * A load generator for POST /api/responses that remembers what it sent and which ids the server
 * acknowledged (a complete 201 answer naming the id): the evidence the durability tests check.
 */
export class SubmissionLoad {
  /** Every id sent, with its answers. */
  readonly sent = new Map<string, Answers>();
  /** Ids the server answered 201 for. */
  readonly acknowledged = new Set<string>();
  readonly statuses = new Map<number, number>();
  /** Requests that ended without any answer (connection refused or cut). */
  failed = 0;
  private readonly agent: http.Agent;
  private inFlight = 0;
  private settled: (() => void) | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private issued = 0;
  private counter = 0;
  private readonly ackListeners = new Set<(id: string) => void>();

  constructor(private readonly options: LoadOptions) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxInFlight ?? 64 });
  }

  /** Starts sending at the configured rate. */
  start(): void {
    this.startedAt = performance.now();
    this.issued = 0;
    this.ticker = setInterval(() => this.tick(), 5);
  }

  /** Sends `count` requests at once, beyond the steady rate; resolves when the first is acknowledged. */
  burst(count: number): Promise<string> {
    return new Promise((resolve) => {
      const ids = new Set<string>();
      const listener = (id: string) => {
        if (!ids.has(id)) return;
        this.ackListeners.delete(listener);
        resolve(id);
      };
      this.ackListeners.add(listener);
      for (let i = 0; i < count; i++) ids.add(this.send());
    });
  }

  /** Stops sending and waits until every request in flight has been answered or has failed. */
  async stop(): Promise<void> {
    clearInterval(this.ticker);
    this.ticker = undefined;
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.settled = resolve));
    this.agent.destroy();
  }

  private tick(): void {
    const due = Math.floor(((performance.now() - this.startedAt) / 1000) * this.options.ratePerSecond) - this.issued;
    const room = (this.options.maxInFlight ?? 64) - this.inFlight;
    const n = Math.min(due, room);
    // Requests the server had no room for are skipped, not queued up: the rate is a ceiling.
    this.issued += Math.max(due, 0);
    for (let i = 0; i < n; i++) this.send();
  }

  private send(): string {
    const id = timeOrderedUuid(Date.now());
    const answers = randomAnswers();
    this.sent.set(id, answers);
    const body = JSON.stringify({ id, code: this.options.surveyCode, instrumentId: 'QUAY@1', answers, lang: 'vi', kiosk: false });
    const agentNo = this.counter++ % (this.options.userAgents ?? 1_000_000);
    this.inFlight++;
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      this.inFlight--;
      if (this.inFlight === 0 && this.settled) {
        this.settled();
        this.settled = undefined;
      }
    };
    const fail = () => {
      if (!finished) this.failed++;
      done();
    };
    const req = http.request(
      `${this.options.url}/api/responses`,
      {
        method: 'POST',
        agent: this.agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': `load-client/${agentNo}`,
          // Each client its own address too (read by a server with TRUST_PROXY), so the per-address limit does not flag the load.
          'x-forwarded-for': `198.18.${(agentNo >> 8) & 255}.${agentNo & 255}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
          if (status === 201 && (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: string }).id === id) {
            this.acknowledged.add(id);
            for (const listener of this.ackListeners) listener(id);
          }
          done();
        });
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end(body);
    return id;
  }
}
