export { WidgetEdge } from './client.js';
export { WidgetEdgeError } from './errors.js';
export { WidgetKeys } from './widget-keys.js';
export type {
  CreatedWidgetKey,
  CreateWidgetKeyInput,
  UpdateWidgetKeyPatch,
  WidgetEdgeOptions,
  WidgetKey,
} from './types.js';
