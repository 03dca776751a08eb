import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { propError } from '../../core/errors';
import { AlarmOptions, WarningLevel } from '../alarm-options';
import { AlarmThresholds } from '../alarm-thresholds';
import type { ObservabilityOptions } from '../observability';

/** Every alarm, named by its `AlarmThresholds` property. */
export type AlarmName = keyof AlarmThresholds;

/** The per-tier alarm options, as `ObservabilityOptions` takes them. */
export type AlarmOptionGroups = Pick<ObservabilityOptions, 'webTierAlarms' | 'databaseAlarms' | 'cacheAlarms'
  | 'natGatewayAlarms' | 'edgeAlarms' | 'thresholds'>;

/** How an alarm is created, once options, the `thresholds` shorthand and the defaults are merged and validated. */
export interface AlarmSetting {
  /** Where the options are, for messages: `webTierAlarms.cpuPercent`. */
  readonly path: string;
  readonly enabled: boolean;
  readonly threshold: number;
  readonly warning?: WarningLevel;
}

export type AlarmSettings = Record<AlarmName, AlarmSetting>;

interface CatalogEntry {
  readonly group: keyof Omit<AlarmOptionGroups, 'thresholds'>;
  readonly option: string;
  readonly defaultThreshold: number;
  /** A percentage: 0 to 100. */
  readonly percent?: boolean;
  /** The alarm fires when the value falls below the threshold (free storage, memory). */
  readonly falls?: boolean;
}

/** Every alarm: where its options are, its default threshold and its unit. */
const CATALOG: Record<AlarmName, CatalogEntry> = {
  webCpuPercent: { group: 'webTierAlarms', option: 'cpuPercent', defaultThreshold: 80, percent: true },
  unhealthyHosts: { group: 'webTierAlarms', option: 'unhealthyHosts', defaultThreshold: 1 },
  http5xxRatePercent: { group: 'webTierAlarms', option: 'http5xxRatePercent', defaultThreshold: 5, percent: true },
  targetResponseTimeSeconds: { group: 'webTierAlarms', option: 'targetResponseTimeSeconds', defaultThreshold: 1 },
  databaseCpuPercent: { group: 'databaseAlarms', option: 'cpuPercent', defaultThreshold: 80, percent: true },
  databaseFreeStorageBytes: { group: 'databaseAlarms', option: 'freeStorageBytes', defaultThreshold: 10 * 1024 ** 3, falls: true },
  databaseConnections: { group: 'databaseAlarms', option: 'connections', defaultThreshold: 200 },
  databaseFreeableMemoryBytes: { group: 'databaseAlarms', option: 'freeableMemoryBytes', defaultThreshold: 256 * 1024 ** 2, falls: true },
  replicaLagSeconds: { group: 'databaseAlarms', option: 'replicaLagSeconds', defaultThreshold: 60 },
  cacheCpuPercent: { group: 'cacheAlarms', option: 'cpuPercent', defaultThreshold: 80, percent: true },
  cacheEngineCpuPercent: { group: 'cacheAlarms', option: 'engineCpuPercent', defaultThreshold: 90, percent: true },
  cacheMemoryPercent: { group: 'cacheAlarms', option: 'memoryPercent', defaultThreshold: 80, percent: true },
  cacheEvictions: { group: 'cacheAlarms', option: 'evictions', defaultThreshold: 1000 },
  cacheConnections: { group: 'cacheAlarms', option: 'connections', defaultThreshold: 5000 },
  natPortAllocationErrors: { group: 'natGatewayAlarms', option: 'portAllocationErrors', defaultThreshold: 1 },
  natPacketsDropped: { group: 'natGatewayAlarms', option: 'packetsDropped', defaultThreshold: 100 },
  cloudFront5xxRatePercent: { group: 'edgeAlarms', option: 'cloudFront5xxRatePercent', defaultThreshold: 5, percent: true },
  wafBlockedRequests: { group: 'edgeAlarms', option: 'wafBlockedRequests', defaultThreshold: 1000 },
};

/** The default threshold of every alarm, by its `AlarmThresholds` name. */
export function defaultThresholds(): Required<AlarmThresholds> {
  return Object.fromEntries(Object.entries(CATALOG).map(([name, entry]) => [name, entry.defaultThreshold])) as Required<AlarmThresholds>;
}

/**
 * Merges each alarm's options, its `thresholds` shorthand and its default, and validates them: thresholds in range,
 * a warning crossed before the alarm, no threshold given twice, no warning on an alarm turned off.
 */
export function resolveAlarmSettings(owner: IConstruct, groups: AlarmOptionGroups): AlarmSettings {
  const shorthand = groups.thresholds ?? {};
  const settings: Partial<AlarmSettings> = {};
  for (const name of Object.keys(CATALOG) as AlarmName[]) {
    const entry = CATALOG[name];
    const legacy = shorthand[name];
    if (legacy !== undefined) validateThreshold(owner, `thresholds.${name}`, legacy, entry);
    const path = `${entry.group}.${entry.option}`;
    const options = ((groups[entry.group] ?? {}) as Record<string, AlarmOptions | undefined>)[entry.option] ?? {};
    if (legacy !== undefined && options.threshold !== undefined) {
      throw propError(owner, `thresholds.${name} (${legacy}) and ${path}.threshold (${options.threshold}) are both `
        + `given; give only ${path}.threshold (thresholds is its deprecated shorthand).`);
    }
    const threshold = options.threshold ?? legacy ?? entry.defaultThreshold;
    if (options.threshold !== undefined) validateThreshold(owner, `${path}.threshold`, threshold, entry);
    const enabled = options.enabled ?? true;
    if (options.warning) {
      if (!enabled) {
        throw propError(owner, `${path}: the alarm is turned off (enabled: false) and has a warning level; `
          + 'remove the warning, or turn the alarm on.');
      }
      validateThreshold(owner, `${path}.warning.threshold`, options.warning.threshold, entry);
      validateWarningFirst(owner, path, options.warning.threshold, threshold, entry);
    }
    settings[name] = { path, enabled, threshold, warning: options.warning };
  }
  return settings as AlarmSettings;
}

function validateThreshold(owner: IConstruct, path: string, value: number, entry: CatalogEntry) {
  if (Token.isUnresolved(value)) return;
  if (!Number.isFinite(value) || value < 0 || (entry.percent && value > 100)) {
    throw propError(owner, `${path}: ${value} is out of range; it must be `
      + (entry.percent ? 'a percentage between 0 and 100.' : 'a non-negative number.'));
  }
}

/** The warning must fire first: below the threshold of a rising value, above that of a falling one. */
function validateWarningFirst(owner: IConstruct, path: string, warning: number, threshold: number, entry: CatalogEntry) {
  if (Token.isUnresolved(warning) || Token.isUnresolved(threshold)) return;
  const first = entry.falls ? warning > threshold : warning < threshold;
  if (!first) {
    throw propError(owner, `${path}.warning.threshold: ${warning} must be ${entry.falls ? 'above' : 'below'} the `
      + `alarm's threshold (${threshold}), so that the warning comes first.`);
  }
}
