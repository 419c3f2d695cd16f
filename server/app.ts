import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { sql } from 'kysely';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { AppDatabase } from './db/database.js';
import type { Deps } from './deps.js';
import { allowFraming, AppError, errorBody } from './http.js';
import { requireSession } from './auth/middleware.js';
import { authRoutes } from './auth/routes.js';
import { userRoutes } from './auth/users-routes.js';
import { auditRoutes } from './audit/routes.js';
import { apiKeyRoutes } from './apikeys/routes.js';
import { unitRoutes } from './units/routes.js';
import { createIntake, type Intake } from './intake/intake.js';
import { intakeRoutes } from './intake/routes.js';
import { SURVEY_PREVIEW_PATH, surveyPageRoutes } from './intake/survey-page.js';
import { consoleLogger, type Logger } from './log.js';
import type { Metrics } from './metrics.js';
import { probeRoutes, requestMetrics } from './probes.js';
import { createReadiness, type Readiness } from './readiness.js';
import { dossierRoutes, invitationRoutes, responseRateRoutes } from './invitations/routes.js';
import { openApiRoutes } from './openapi/routes.js';
import { qrRoutes } from './qr/routes.js';
import { surveyPointRoutes } from './surveypoints/routes.js';
import { instrumentRoutes } from './instruments/routes.js';
import { dashboardRoutes } from './dashboard/routes.js';
import { indicatorRoutes } from './indicators/routes.js';
import { exportRoutes } from './exports/routes.js';
import { importRoutes } from './imports/routes.js';
import { reviewRoutes } from './review/routes.js';
import { alertRoutes } from './alerts/index.js';
import { caseRoutes, commentMarkRoutes } from './cases/index.js';
import { publicHeaders, publicPageAdminRoutes, publicRoutes } from './public/routes.js';
import { exportManifestRoutes } from './integrity/routes.js';
import { webhookRoutes } from './notifications/index.js';
import { loadBuiltUi, uiRoutes, type BuiltUi } from './ui.js';
import { callbackAdminRoutes, callbackIntakeRoutes } from './callbacks/index.js';

export interface AppOptions {
  db: AppDatabase;
  config: Config;
  clock: Clock;
  logger?: Logger;
  /** The durable write path; main passes its own so it can drain it on shutdown. */
  intake?: Intake;
  /** Built UIs; loaded from dist/ when not given. */
  ui?: { survey?: BuiltUi | undefined; admin?: BuiltUi | undefined };
  /** What GET /readyz checks; main passes its own (held until the demo seed is done). */
  readiness?: Readiness;
  /** Request, intake and backup figures for GET /metrics, which exists only with these and a METRICS_TOKEN. */
  metrics?: Metrics | undefined;
}

/** SQLite result codes that mean "storage is unavailable right now", not "the request is wrong". */
const STORAGE_FAULTS = /^SQLITE_(BUSY|LOCKED|FULL|READONLY|IOERR|CANTOPEN|PROTOCOL|NOLFS)/;

export function createApp(options: AppOptions) {
  const deps: Deps = {
    db: options.db,
    config: options.config,
    clock: options.clock,
    logger: options.logger ?? consoleLogger,
  };
  const survey = options.ui ? options.ui.survey : loadBuiltUi('survey', '/s');
  const admin = options.ui ? options.ui.admin : loadBuiltUi('admin', '/admin');
  const app = new Hono();

  // Before the secure headers, so they run after them: the public embed may be framed by any portal,
  // the survey preview only by the admin pages of this origin.
  app.use('/public/*', publicHeaders());
  app.use(SURVEY_PREVIEW_PATH, async (c, next) => {
    await next();
    allowFraming(c, "'self'");
  });
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      referrerPolicy: 'no-referrer',
      crossOriginResourcePolicy: 'same-origin',
    }),
  );

  if (deps.config.logRequests) {
    // Route patterns, not paths: paths can carry survey codes and invitation tokens.
    app.use('*', async (c, next) => {
      const started = performance.now();
      await next();
      deps.logger.info('request', {
        method: c.req.method,
        route: c.req.routePath,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      });
    });
  }

  // Replies to a signed-in user (accounts, comments, exports, the session itself) stay out of every
  // browser and proxy cache: set last, over whatever a route set.
  for (const signedIn of ['/api/admin/*', '/api/auth/*']) {
    app.use(signedIn, async (c, next) => {
      await next();
      c.header('cache-control', 'no-store');
    });
  }

  if (options.metrics) app.use('*', requestMetrics(options.metrics));

  // Every admin route needs a signed-in session (and a CSRF token on writes) before its own permission check.
  app.use('/api/admin/*', requireSession(deps));

  app.get('/healthz', async (c) => {
    await sql`select 1`.execute(deps.db.kysely);
    return c.json({ status: 'ok' });
  });
  const metricsToken = deps.config.metricsToken;
  app.route(
    '/',
    probeRoutes(options.readiness ?? createReadiness({ db: deps.db }), options.metrics && metricsToken ? { metrics: options.metrics, token: metricsToken } : undefined),
  );

  app.route('/', intakeRoutes(deps, options.intake ?? createIntake(deps)));
  app.route('/', callbackIntakeRoutes(deps));
  app.route('/', surveyPageRoutes(deps, survey));
  app.route('/api/auth', authRoutes(deps));
  app.route('/api/admin', unitRoutes(deps));
  app.route('/api/admin/users', userRoutes(deps));
  app.route('/api/admin/audit', auditRoutes(deps));
  app.route('/api/admin/apikeys', apiKeyRoutes(deps));
  app.route('/api/admin/survey-points', surveyPointRoutes(deps));
  app.route('/api/admin/instruments', instrumentRoutes(deps));
  app.route('/api/admin/response-rate', responseRateRoutes(deps));
  app.route('/api/admin/dashboard', dashboardRoutes(deps));
  app.route('/api/admin/indicators', indicatorRoutes(deps));
  app.route('/api/admin/public-pages', publicPageAdminRoutes(deps));
  app.route('/api/admin/exports', exportRoutes(deps));
  app.route('/api/admin/export-manifests', exportManifestRoutes(deps));
  app.route('/api/admin/webhooks', webhookRoutes(deps));
  app.route('/api/admin/imports', importRoutes(deps));
  app.route('/api/admin/review', reviewRoutes(deps));
  app.route('/api/admin', alertRoutes(deps));
  app.route('/api/admin/cases', caseRoutes(deps));
  app.route('/api/admin', commentMarkRoutes(deps));
  app.route('/api/admin/callback-contacts', callbackAdminRoutes(deps));
  app.route('/api/v1/invitations', invitationRoutes(deps));
  app.route('/api/v1', dossierRoutes(deps));
  app.route('/api/qr', qrRoutes());
  app.route('/public', publicRoutes(deps));
  app.route('/api', openApiRoutes(deps));
  app.route('/s', uiRoutes(survey, 'survey'));
  app.route('/admin', uiRoutes(admin, 'admin'));
  app.get('/', (c) => c.redirect('/admin/'));

  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404));

  app.onError((err, c) => {
    if (err instanceof AppError) {
      return c.json(errorBody(err.code, err.message, err.issues), err.status);
    }
    const sqliteCode = (err as { code?: unknown }).code;
    if (typeof sqliteCode === 'string' && STORAGE_FAULTS.test(sqliteCode)) {
      deps.logger.error('storage_fault', { route: c.req.routePath, code: sqliteCode });
      c.header('retry-after', '5');
      return c.json(errorBody('storage_unavailable', 'Storage is temporarily unavailable; please retry shortly'), 503);
    }
    deps.logger.error('unhandled_error', { route: c.req.routePath, name: err.name, message: err.message });
    return c.json(errorBody('internal', 'Something went wrong on our side'), 500);
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
