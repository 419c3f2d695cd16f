/**
 * Notifications (issue 18): signed webhooks from a durable outbox, and e-mail. Other features use
 * this folder only through this file.
 */
export { recordEvent, recordEvents, type NotificationEvent } from './outbox.js';
export { OUTBOX_KEEP_DAYS, startDeliveryWorker, type DeliveryWorker } from './delivery.js';
export { webhookRoutes } from './routes.js';
export { createMailer, type Mailer } from './mail.js';
export { startMailSchedule, type MailSchedule, type OpenAlertsOf, type DigestAlert } from './mail-schedule.js';
