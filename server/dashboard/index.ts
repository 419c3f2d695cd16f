/** The dashboard views other features read (the alert sweep reads weak criteria and the overview, as a supervisor would). */
export { dashboardOverview } from './overview.js';
export { weakCriteria } from './weak.js';
