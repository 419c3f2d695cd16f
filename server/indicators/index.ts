/** The TT 01/2018 indicators and the QĐ 766 5.4 ratio, as other features (the exports) ask for them. */
export { indicatorReport, indicatorsForScope, q766Row } from './report.js';
