export { WidgetEdge } from './client.js';
export { WidgetEdgeError } from './errors.js';
export { WidgetKeys } from './widget-keys.js';
export { AuditEvents } from './audit-events.js';
export type {
  AuditAction,
  AuditEvent,
  AuditEventsQuery,
  CreatedWidgetKey,
  CreateWidgetKeyInput,
  KeyMode,
  OriginReportRow,
  OriginsQuery,
  RateLimits,
  RateLimitsInput,
  ReportOutcome,
  RotateWidgetKeyInput,
  UpdateWidgetKeyPatch,
  UsageDay,
  UsageQuery,
  WidgetEdgeOptions,
  WidgetKey,
} from './types.js';
