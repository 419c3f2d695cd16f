/** Questionnaires (instruments) as other features read them. */
export { getInstrument } from './store.js';
