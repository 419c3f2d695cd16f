import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WEBHOOK_HEADERS, type WebhookEventBody } from '../../schema/notifications.js';

/** A receiving HTTP server that checks each delivery's signature as a subscriber would. */
export interface Receiver {
  url: string;
  received: { body: WebhookEventBody; signatureOk: boolean; headers: IncomingMessage['headers'] }[];
  /** Status answered to the next requests, then 204. */
  failNext(count: number, status?: number): void;
  close(): Promise<void>;
}

/**
 * Listens on `port` (0: any free one). A receiver started again on the same port with the same
 * `received` list continues where a closed one left off (the receiver "down for a while").
 */
export async function startReceiver(secret: () => string, options: { port?: number; received?: Receiver['received'] } = {}): Promise<Receiver> {
  const received = options.received ?? [];
  let failures = 0;
  let failStatus = 500;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (text += d));
    req.on('end', () => {
      if (failures > 0) {
        failures--;
        res.writeHead(failStatus).end();
        return;
      }
      const timestamp = String(req.headers[WEBHOOK_HEADERS.timestamp.toLowerCase()]);
      const expected = `v1=${createHmac('sha256', secret()).update(`${timestamp}.${text}`).digest('hex')}`;
      received.push({ body: JSON.parse(text) as WebhookEventBody, signatureOk: req.headers[WEBHOOK_HEADERS.signature.toLowerCase()] === expected, headers: req.headers });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    failNext: (count, status = 500) => {
      failures = count;
      failStatus = status;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

