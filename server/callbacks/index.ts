/** Call-back with consent (issue 18): what other features and the app wiring use. */
export { callbackAdminRoutes, callbackIntakeRoutes } from './routes.js';
export { startContactRetention, type ContactRetention } from './retention.js';
