import { Hono } from 'hono';
import { z } from 'zod';
import { Id } from '../../schema/admin.js';
import { WebhookSubscriptionCreate } from '../../schema/notifications.js';
import { requirePermission, type AuthEnv } from '../auth/middleware.js';
import type { Deps } from '../deps.js';
import { parseQuery, parseWith, readJsonWith } from '../http.js';
import { createSubscription, deleteSubscription, listDeliveries, listSubscriptions, sendTestEvent } from './subscriptions.js';

const DeliveryListQuery = z.object({ subscriptionId: Id.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });

/** /api/admin/webhooks: subscriptions (system administrators only) and the delivery log. */
export function webhookRoutes(deps: Deps) {
  return new Hono<AuthEnv>()
    .get('/', requirePermission('settings.write'), async (c) => c.json(await listSubscriptions(deps, c.get('actor'))))
    .post('/', requirePermission('settings.write'), async (c) => {
      c.header('cache-control', 'no-store');
      const input = await readJsonWith(c, deps.config.bodyLimitBytes, WebhookSubscriptionCreate);
      return c.json(await createSubscription(deps, c.get('actor'), input), 201);
    })
    .delete('/:id', requirePermission('settings.write'), async (c) =>
      c.json(await deleteSubscription(deps, c.get('actor'), parseWith(Id, c.req.param('id'), 'path'))),
    )
    .post('/:id/test', requirePermission('settings.write'), async (c) =>
      c.json(await sendTestEvent(deps, c.get('actor'), parseWith(Id, c.req.param('id'), 'path')), 202),
    )
    .get('/deliveries', requirePermission('settings.write'), async (c) =>
      c.json(await listDeliveries(deps, c.get('actor'), parseQuery(c, DeliveryListQuery))),
    );
}
