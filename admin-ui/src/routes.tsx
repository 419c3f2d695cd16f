import type { JSX } from 'preact';
import type { Permission } from '../../schema/admin.js';
import type { Words } from './i18n.js';
import { DashboardApp } from './pages/dashboard/index.js';
import { ExportsPage } from './pages/exports/ExportsPage.js';
import { exportWords } from './pages/exports/i18n.js';
import { AccountPage } from './pages/account/AccountPage.js';
import { ApiKeysPage } from './pages/apikeys/ApiKeysPage.js';
import { AuditPage } from './pages/audit/AuditPage.js';
import { ProceduresPage, StaffPage } from './pages/catalogue/CataloguePages.js';
import { ReviewPage } from './pages/review/ReviewPage.js';
import { reviewWords } from './pages/review/i18n.js';
import { HomePage } from './pages/home/HomePage.js';
import { ImportPage } from './pages/import/ImportPage.js';
import { CounterPage } from './pages/units/CounterPage.js';
import { UnitPage } from './pages/units/UnitPage.js';
import { UnitsPage } from './pages/units/UnitsPage.js';
import { UserPage } from './pages/users/UserPage.js';
import { UsersPage } from './pages/users/UsersPage.js';
import { QuestionnairePage } from './pages/questionnaires/QuestionnairePage.js';
import { QuestionnairesPage } from './pages/questionnaires/QuestionnairesPage.js';
import { questionnaireWords } from './pages/questionnaires/i18n.js';
import { SurveyPointPage } from './pages/surveypoints/SurveyPointPage.js';
import { SurveyPointsPage } from './pages/surveypoints/SurveyPointsPage.js';
import { pointWords } from './pages/surveypoints/i18n.js';
import { PublicPagesPage } from './pages/public/PublicPagesPage.js';
import { publicPageWords } from './pages/public/i18n.js';
import { WebhooksPage } from './pages/webhooks/WebhooksPage.js';
import { webhookWords } from './pages/webhooks/i18n.js';
import { AlertsPage } from './pages/alerts/AlertsPage.js';
import { CasePage } from './pages/cases/CasePage.js';
import { CasesPage } from './pages/cases/CasesPage.js';
import { caseWords } from './pages/cases/i18n.js';

/**
 * The admin's pages. A feature adds its pages here (and its folder under pages/): a path pattern,
 * the permission it needs (the API enforces it too; this only avoids showing a page that would be
 * refused), and optionally a navigation entry.
 */
export interface PageRoute {
  /** '/units/:id'; with `prefix`, also every path below it (the page routes inside itself). */
  pattern: string;
  prefix?: boolean;
  permission?: Permission;
  page(params: Record<string, string>): JSX.Element;
  nav?: { label(w: Words): string; order: number };
}

export const ROUTES: PageRoute[] = [
  { pattern: '/', page: () => <HomePage pages={ROUTES} />, nav: { label: (w) => w.t('navHome'), order: 0 } },
  {
    pattern: '/dashboard',
    prefix: true,
    permission: 'dashboard.read',
    page: () => <DashboardApp />,
    nav: { label: (w) => w.t('navDashboard'), order: 10 },
  },
  { pattern: '/exports', permission: 'exports.run', page: () => <ExportsPage />, nav: { label: (w) => exportWords(w.lang).t('nav'), order: 15 } },
  { pattern: '/review', permission: 'surveys.read', page: () => <ReviewPage />, nav: { label: (w) => reviewWords(w.lang).t('nav'), order: 17 } },
  { pattern: '/cases', permission: 'dashboard.read', page: () => <CasesPage />, nav: { label: (w) => caseWords(w.lang).t('navCases'), order: 12 } },
  { pattern: '/cases/:id', permission: 'dashboard.read', page: (p) => <CasePage id={p.id!} /> },
  { pattern: '/alerts', permission: 'dashboard.read', page: () => <AlertsPage />, nav: { label: (w) => caseWords(w.lang).t('navAlerts'), order: 13 } },
  { pattern: '/units', permission: 'units.read', page: () => <UnitsPage />, nav: { label: (w) => w.t('navUnits'), order: 20 } },
  { pattern: '/survey-points', permission: 'surveys.read', page: () => <SurveyPointsPage />, nav: { label: (w) => pointWords(w.lang).t('nav'), order: 22 } },
  { pattern: '/survey-points/:id', permission: 'surveys.read', page: (p) => <SurveyPointPage id={p.id!} /> },
  { pattern: '/questionnaires', permission: 'surveys.read', page: () => <QuestionnairesPage />, nav: { label: (w) => questionnaireWords(w.lang).t('nav'), order: 24 } },
  { pattern: '/questionnaires/:id', permission: 'surveys.read', page: (p) => <QuestionnairePage id={p.id!} /> },
  { pattern: '/units/:id', permission: 'units.read', page: (p) => <UnitPage id={p.id!} /> },
  { pattern: '/counters/:id', permission: 'units.read', page: (p) => <CounterPage id={p.id!} /> },
  { pattern: '/staff', permission: 'units.read', page: () => <StaffPage />, nav: { label: (w) => w.t('navStaff'), order: 30 } },
  { pattern: '/procedures', permission: 'units.read', page: () => <ProceduresPage />, nav: { label: (w) => w.t('navProcedures'), order: 40 } },
  { pattern: '/import', permission: 'units.write', page: () => <ImportPage />, nav: { label: (w) => w.t('navImport'), order: 50 } },
  { pattern: '/users', permission: 'users.read', page: () => <UsersPage />, nav: { label: (w) => w.t('navUsers'), order: 60 } },
  { pattern: '/users/new', permission: 'users.write', page: () => <UserPage id={null} /> },
  { pattern: '/users/:id', permission: 'users.read', page: (p) => <UserPage id={p.id!} /> },
  { pattern: '/apikeys', permission: 'apikeys.read', page: () => <ApiKeysPage />, nav: { label: (w) => w.t('navApiKeys'), order: 70 } },
  { pattern: '/public-pages', permission: 'settings.write', page: () => <PublicPagesPage />, nav: { label: (w) => publicPageWords(w.lang).t('nav'), order: 75 } },
  { pattern: '/webhooks', permission: 'settings.write', page: () => <WebhooksPage />, nav: { label: (w) => webhookWords(w.lang).t('nav'), order: 77 } },
  { pattern: '/audit', permission: 'audit.read', page: () => <AuditPage />, nav: { label: (w) => w.t('navAudit'), order: 80 } },
  { pattern: '/account', page: () => <AccountPage />, nav: { label: (w) => w.t('navAccount'), order: 90 } },
];
