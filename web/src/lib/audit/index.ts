/**
 * Reading the audit log: imports item by item (`imports`), the flags and requests of a record
 * (`records`), who did it (`actors`), each record as a sentence (`sentence`, by family in
 * `sentences/`), a structured diff of states, flags and segments (`diff`, rules in `rules`), and
 * the log page's filters in the URL (`filters`).
 */
export * from './imports';
export * from './records';
export * from './actors';
export * from './sentence';
export * from './diff';
export { ruleText } from './rules';
export * from './filters';
