// Network tier
export * from './network/nat-strategy';
export * from './network/subnet-cidr-plan';
export * from './network/network-foundation';

// Web tier
export * from './web-tier/fleet-scaling';
export * from './web-tier/scalable-web-tier';
export * from './web-tier/web-application';

// Data tier
export * from './data-tier/cache-engine';
export * from './data-tier/replicated-cache';
export * from './data-tier/resilient-data-tier';

// Edge
export * from './edge/cloudfront-origin-access';
export * from './edge/origin-header-rotation';
export * from './edge/origin-certificate';
export * from './edge/secure-edge';

// Storage
export * from './storage/storage-buckets';

// Observability
export * from './observability/alarm-options';
export * from './observability/alarm-thresholds';
export * from './observability/audit-trail';
export * from './observability/cache-metrics';
export * from './observability/observability';

// The complete system
export * from './app/production-web-app';
