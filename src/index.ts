// Network tier
export * from './network/nat-strategy';
export * from './network/subnet-cidr-plan';
export * from './network/network-foundation';
