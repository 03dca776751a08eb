import * as fs from 'fs';
import * as path from 'path';
import { Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct, IConstruct } from 'constructs';
import { propError } from '../core/errors';

/**
 * How the instances run your application.
 */
export interface WebApplicationOptions {
  /**
   * The command that runs the server, one line, run in the release folder by a systemd service, e.g. `node server.js`
   * or `gunicorn --bind 127.0.0.1:8080 app:app`. It must stay in the foreground and listen on `port`, which it also
   * finds in the `PORT` environment variable.
   */
  readonly start: string;

  /**
   * A command run once per release in the release folder before the first start, e.g. `npm ci --omit=dev` or
   * `pip install -r requirements.txt --target vendor`. It runs as the application's unprivileged user.
   *
   * @default - nothing: the release runs as it is unpacked
   */
  readonly install?: string;

  /**
   * The longest `install` may take; past it the instance's bootstrap fails and the instance never takes traffic.
   *
   * @default Duration.minutes(10)
   */
  readonly installTimeout?: Duration;

  /**
   * The port the server listens on, on the instance. nginx listens on the web tier's `applicationPort` and forwards
   * every request to it, so it must be another port.
   *
   * @default WebApplication.DEFAULT_PORT (8080)
   */
  readonly port?: number;

  /**
   * The path on which the server answers `200` when it can serve requests. The load balancer's health check reaches it
   * through nginx.
   *
   * @default - the web tier's health check path (`/health`)
   */
  readonly healthCheckPath?: string;

  /**
   * Extra plain environment variables of the server (not secrets: they are part of the launch template). `PORT` and
   * `HEALTH_CHECK_PATH` are set by the construct; with `ProductionWebApp`, the database and cache endpoints and secret
   * ARNs come from `/etc/webapp/config.env`.
   *
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * Amazon Linux 2023 packages installed before the release, e.g. `['nodejs20']` or `['python3.12']`.
   *
   * @default - none
   */
  readonly runtimePackages?: string[];

  /**
   * How long the server may take to finish its requests after SIGTERM before it is killed. The load balancer has
   * already stopped sending it requests (the target group's deregistration delay) when it receives SIGTERM.
   *
   * @default Duration.seconds(30)
   */
  readonly stopTimeout?: Duration;
}

/**
 * Options of an application release that a pipeline already uploaded to S3.
 */
export interface WebApplicationBucketOptions extends WebApplicationOptions {
  /**
   * The version of the object, in a versioned bucket. A new version is a new release.
   *
   * @default - the latest version; a new key is a new release
   */
  readonly objectVersion?: string;
}

/**
 * Where a release is, once bound to a web tier.
 *
 * @internal
 */
export interface WebApplicationRelease {
  /** The bucket of the release archive. */
  readonly bucketName: string;
  /** The key of the release archive. */
  readonly objectKey: string;
  /** The version of the release archive, when pinned. */
  readonly objectVersion?: string;
  /** Names the release folder: the asset hash, the object version or the object key. */
  readonly releaseName: string;
}

/** Characters an Amazon Linux package name may hold. */
const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
/** Names of environment variables a shell and systemd both accept. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Variables the construct sets for the server. */
const RESERVED_VARIABLES = ['PORT', 'HEALTH_CHECK_PATH'];

/**
 * Your application on the web tier's instances: a release (a folder or a `.zip`) that each instance fetches, unpacks,
 * installs and runs as a systemd service behind nginx. A new release rolls the fleet.
 *
 * @example
 * const application = WebApplication.fromAsset('./app', {
 *   runtimePackages: ['nodejs20'],
 *   start: 'node server.js',
 * });
 */
export class WebApplication {
  /** The default port of the server on the instance, behind nginx. */
  public static readonly DEFAULT_PORT = 8080;

  /**
   * A local folder, or a `.zip` file, packaged as a CDK asset. Its content hash names the release: changing a file is
   * a new release.
   */
  public static fromAsset(assetPath: string, options: WebApplicationOptions): WebApplication {
    return new WebApplication(options, assetPath, undefined, undefined, undefined);
  }

  /**
   * A `.zip` that a pipeline already uploaded. A new key, or a new `objectVersion`, is a new release.
   */
  public static fromBucket(bucket: s3.IBucket, key: string, options: WebApplicationBucketOptions): WebApplication {
    return new WebApplication(options, undefined, bucket, key, options.objectVersion);
  }

  /** How the instances run the release. */
  public readonly options: WebApplicationOptions;

  private constructor(
    options: WebApplicationOptions,
    private readonly assetPath: string | undefined,
    private readonly bucket: s3.IBucket | undefined,
    private readonly key: string | undefined,
    private readonly objectVersion: string | undefined,
  ) {
    this.options = options;
  }

  /**
   * Validates the options for a tier, stages the release, and lets `grantee` read exactly its object.
   *
   * @internal
   */
  public _bind(scope: Construct, grantee: iam.IGrantable, tierPort: number): WebApplicationRelease {
    this.validate(scope, tierPort);
    if (this.assetPath !== undefined) {
      const asset = new s3assets.Asset(scope, 'ApplicationRelease', { path: this.assetPath });
      this.grantRead(grantee, asset.bucket, asset.s3ObjectKey, undefined);
      return { bucketName: asset.s3BucketName, objectKey: asset.s3ObjectKey, releaseName: asset.assetHash };
    }
    const bucket = this.bucket!;
    const key = this.key!;
    this.grantRead(grantee, bucket, key, this.objectVersion);
    return {
      bucketName: bucket.bucketName,
      objectKey: key,
      objectVersion: this.objectVersion,
      releaseName: this.objectVersion ?? key,
    };
  }

  private grantRead(grantee: iam.IGrantable, bucket: s3.IBucket, key: string, version: string | undefined) {
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadApplicationRelease',
      actions: version === undefined ? ['s3:GetObject'] : ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [bucket.arnForObjects(key)],
    }));
    bucket.encryptionKey?.grantDecrypt(grantee);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Validation
  // ---------------------------------------------------------------------------------------------------------------

  private validate(scope: IConstruct, tierPort: number) {
    this.validateStart(scope);
    this.validateAssetPath(scope);
    this.validateKey(scope);
    this.validatePort(scope, tierPort);
    this.validatePackages(scope);
    this.validateEnvironment(scope);
    this.validateTimeouts(scope);
  }

  private validateStart(scope: IConstruct) {
    const { start, install } = this.options;
    if (Token.isUnresolved(start)) {
      throw propError(scope, 'application.start: a token cannot be written into the service at synthesis; give the command as text.');
    }
    if (start.trim() === '') {
      throw propError(scope, `application.start: ${JSON.stringify(start)} runs nothing; give the command that runs the server, `
        + "e.g. 'node server.js'.");
    }
    for (const [name, value] of [['start', start], ['install', install]] as const) {
      if (value !== undefined && /[\r\n]/.test(value)) {
        throw propError(scope, `application.${name}: ${JSON.stringify(value)} spans several lines; give one command line `
          + '(join commands with &&, or ship a script in the release).');
      }
    }
    if (install !== undefined && install.trim() === '') {
      throw propError(scope, `application.install: ${JSON.stringify(install)} runs nothing; leave install unset, or give a `
        + "command, e.g. 'npm ci --omit=dev'.");
    }
  }

  private validateAssetPath(scope: IConstruct) {
    const assetPath = this.assetPath;
    if (assetPath === undefined) return;
    if (!fs.existsSync(assetPath)) {
      throw propError(scope, `application: WebApplication.fromAsset('${assetPath}'): no such file or folder (resolved to `
        + `${path.resolve(assetPath)}); give the folder of the release, or a .zip of it.`);
    }
    if (fs.statSync(assetPath).isFile() && !assetPath.toLowerCase().endsWith('.zip')) {
      throw propError(scope, `application: WebApplication.fromAsset('${assetPath}') is a file but not a .zip; give the `
        + 'release folder, or a .zip of it.');
    }
  }

  private validateKey(scope: IConstruct) {
    for (const [name, value] of [['key', this.key], ['objectVersion', this.objectVersion]] as const) {
      if (value === undefined || Token.isUnresolved(value)) continue;
      if (value === '' || /['\r\n]/.test(value)) {
        throw propError(scope, `application: WebApplication.fromBucket ${name} ${JSON.stringify(value)} is not usable; it must `
          + 'be non-empty, on one line, without single quotes.');
      }
    }
    if (this.key !== undefined && !Token.isUnresolved(this.key) && !this.key.toLowerCase().endsWith('.zip')) {
      throw propError(scope, `application: WebApplication.fromBucket key '${this.key}' is not a .zip; the instances unpack `
        + 'the release with unzip, so upload it as a .zip.');
    }
  }

  private validatePort(scope: IConstruct, tierPort: number) {
    const port = this.options.port;
    if (port === undefined || Token.isUnresolved(port)) return;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw propError(scope, `application.port: ${port} is not a TCP port; ports are whole numbers from 1 to 65535.`);
    }
    if (!Token.isUnresolved(tierPort) && port === tierPort) {
      throw propError(scope, `application.port: ${port} is the web tier's applicationPort, on which nginx listens in front `
        + `of the server; give the server another port (the default is ${WebApplication.DEFAULT_PORT}).`);
    }
  }

  private validatePackages(scope: IConstruct) {
    for (const name of this.options.runtimePackages ?? []) {
      if (Token.isUnresolved(name) || !PACKAGE_NAME.test(name)) {
        throw propError(scope, `application.runtimePackages: '${name}' is not a package name; give Amazon Linux 2023 `
          + "package names such as 'nodejs20' or 'python3.12'.");
      }
    }
  }

  private validateEnvironment(scope: IConstruct) {
    for (const [name, value] of Object.entries(this.options.environment ?? {})) {
      if (!VARIABLE_NAME.test(name)) {
        throw propError(scope, `application.environment: '${name}' is not a variable name; use letters, digits and _, not `
          + 'starting with a digit.');
      }
      if (RESERVED_VARIABLES.includes(name)) {
        throw propError(scope, `application.environment: ${name} is set by the construct (from application.port and `
          + 'healthCheckPath); set those instead.');
      }
      if (!Token.isUnresolved(value) && /[\r\n]/.test(value)) {
        throw propError(scope, `application.environment: ${name} spans several lines; a value must be one line.`);
      }
    }
  }

  private validateTimeouts(scope: IConstruct) {
    const check = (name: string, value: Duration | undefined, maxSeconds: number) => {
      if (value === undefined || value.isUnresolved()) return;
      const seconds = value.toSeconds();
      if (seconds < 1 || seconds > maxSeconds) {
        throw propError(scope, `application.${name}: ${value.toHumanString()} is out of range; give 1 second to `
          + `${maxSeconds / 60} minutes.`);
      }
    };
    check('installTimeout', this.options.installTimeout, 3600);
    check('stopTimeout', this.options.stopTimeout, 600);
  }
}
