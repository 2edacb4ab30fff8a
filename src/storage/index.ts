export type * from './port.js';
export * from './records.js';
export * from './errors.js';
