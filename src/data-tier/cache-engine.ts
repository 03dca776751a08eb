import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { propError } from '../core/errors';

/** Redis OSS versions ElastiCache offers for new replication groups with encryption, AUTH and log delivery. */
const REDIS_VERSIONS = ['6.2', '7.0', '7.1'];
/** Valkey versions ElastiCache offers. */
const VALKEY_VERSIONS = ['7.2', '8.0', '8.1', '8.2', '9.0'];

/**
 * The engine of a `ReplicatedCache`: Redis OSS or Valkey, and its version.
 *
 * Both speak the same protocol and work with the same clients. Valkey is the open-source (BSD) continuation of
 * Redis OSS 7.2 under the Linux Foundation; ElastiCache prices Valkey node-based clusters up to 20% lower per node
 * than Redis OSS (serverless caches 33% lower), and an existing Redis OSS cache can be upgraded to Valkey in place.
 * Redis OSS 7 stays the default because the architecture specifies it.
 *
 * @example
 * const engine = CacheEngine.valkey('8.0');
 */
export class CacheEngine {
  /** Default Redis OSS version: the newest Redis OSS 7 ElastiCache offers. */
  public static readonly DEFAULT_REDIS_VERSION = '7.1';
  /** Default Valkey version. */
  public static readonly DEFAULT_VALKEY_VERSION = '8.0';

  /**
   * Redis OSS.
   *
   * @param version major.minor version: '6.2', '7.0' or '7.1'
   * @default '7.1'
   */
  public static redis(version: string = CacheEngine.DEFAULT_REDIS_VERSION): CacheEngine {
    return new CacheEngine('redis', 'Redis OSS', version, REDIS_VERSIONS);
  }

  /**
   * Valkey.
   *
   * @param version major.minor version: '7.2', '8.0', '8.1', '8.2' or '9.0'
   * @default '8.0'
   */
  public static valkey(version: string = CacheEngine.DEFAULT_VALKEY_VERSION): CacheEngine {
    return new CacheEngine('valkey', 'Valkey', version, VALKEY_VERSIONS);
  }

  /** The engine name ElastiCache uses: 'redis' or 'valkey'. */
  public readonly engine: string;
  /** The engine version, e.g. '7.1'. */
  public readonly version: string;

  private readonly displayName: string;
  private readonly supportedVersions: string[];

  private constructor(engine: string, displayName: string, version: string, supportedVersions: string[]) {
    this.engine = engine;
    this.displayName = displayName;
    this.version = version;
    this.supportedVersions = supportedVersions;
  }

  /**
   * Throws if ElastiCache does not offer this version. Called by the construct that uses the engine, so that the
   * error names its path.
   *
   * @internal
   */
  public _validate(scope: IConstruct): void {
    if (Token.isUnresolved(this.version)) {
      throw propError(scope, `engine: ${this.factory('<token>')} has a token as version; give a literal version ` +
        `(${this.supportedVersions.join(', ')}): the parameter group family and the engine features are derived from it.`);
    }
    if (!this.supportedVersions.includes(this.version)) {
      throw propError(scope, `engine: ${this.factory(`'${this.version}'`)} is not a ${this.displayName} version ` +
        `ElastiCache offers; use one of ${this.supportedVersions.join(', ')}.`);
    }
  }

  /**
   * The cache parameter group family of this version, e.g. 'redis7', 'redis6.x', 'valkey8'.
   *
   * @internal
   */
  public _parameterGroupFamily(): string {
    const major = this.version.split('.')[0];
    return this.engine === 'redis' && major === '6' ? 'redis6.x' : `${this.engine}${major}`;
  }

  /**
   * Whether the engine takes `TransitEncryptionMode` (Redis OSS 7 and Valkey); older engines with in-transit
   * encryption on always require TLS.
   *
   * @internal
   */
  public _supportsTransitEncryptionMode(): boolean {
    return !(this.engine === 'redis' && this.version.startsWith('6.'));
  }

  private factory(argument: string): string {
    return `CacheEngine.${this.engine}(${argument})`;
  }
}
