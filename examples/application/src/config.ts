import { readFileSync } from 'node:fs';
import type { DatabaseOptions } from './db';

/**
 * The configuration, from the environment: `/etc/webapp/config.env` (written by the constructs' user data) plus
 * `PORT` and `HEALTH_CHECK_PATH` from the systemd unit. See README.md for every variable.
 */
export interface Config {
  readonly port: number;
  readonly healthCheckPath: string;
  readonly database: DatabaseOptions;
  readonly cache: {
    readonly enabled: boolean;
    readonly host: string;
    readonly port: number;
    readonly authTokenSecretArn: string;
    /** PEM bundle to verify the nodes with; default: Node's public CA store (ElastiCache's certificates are public). */
    readonly ca?: string;
    readonly ttlSeconds: number;
  };
  readonly buckets: { readonly staticAssets?: string; readonly backups?: string };
  /** The region of the Secrets Manager client: AWS_REGION, AWS_DEFAULT_REGION, else the region of the secret's ARN. */
  readonly region?: string;
  readonly shutdownTimeoutMs: number;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`missing environment variable ${name} (see /etc/webapp/config.env)`);
  return value;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function optionalFile(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[name]?.trim();
  return file ? readFileSync(file, 'utf8') : undefined;
}

function regionOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length > 3 && parts[3] ? parts[3] : undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const secretArn = required(env, 'DATABASE_SECRET_ARN');
  const cacheEnabled = !['1', 'true', 'yes'].includes((env.CACHE_DISABLED ?? '').trim().toLowerCase());
  return {
    port: integer(env, 'PORT', 8080, 1, 65535),
    healthCheckPath: env.HEALTH_CHECK_PATH?.trim() || '/health',
    database: {
      host: required(env, 'DATABASE_HOST'),
      port: integer(env, 'DATABASE_PORT', 5432, 1, 65535),
      secretArn,
      replicaHosts: (env.DATABASE_REPLICA_HOSTS ?? '').split(',').map((h) => h.trim()).filter((h) => h.length > 0),
      ca: optionalFile(env, 'DATABASE_TLS_CA_FILE'),
      poolMax: integer(env, 'DATABASE_POOL_MAX', 20, 1, 500),
    },
    cache: {
      enabled: cacheEnabled,
      host: cacheEnabled ? required(env, 'CACHE_HOST') : (env.CACHE_HOST ?? ''),
      port: integer(env, 'CACHE_PORT', 6379, 1, 65535),
      authTokenSecretArn: cacheEnabled ? required(env, 'CACHE_AUTH_TOKEN_SECRET_ARN') : (env.CACHE_AUTH_TOKEN_SECRET_ARN ?? ''),
      ca: optionalFile(env, 'CACHE_TLS_CA_FILE'),
      ttlSeconds: integer(env, 'CACHE_TTL_SECONDS', 300, 1, 86400),
    },
    buckets: { staticAssets: env.BUCKETS_STATIC_ASSETS, backups: env.BUCKETS_BACKUPS },
    region: env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || regionOfArn(secretArn),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 20000, 100, 25000),
  };
}
