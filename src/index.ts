/** Public entry point: the stable names of vmunit's event protocol and result model. */

export type * from './events/types.js';
export * from './ktap/model.js';
export { VmunitError } from './util/errors.js';
