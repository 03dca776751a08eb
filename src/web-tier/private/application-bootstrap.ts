import { Aws, Duration } from 'aws-cdk-lib';
import type { WebApplicationOptions, WebApplicationRelease } from '../web-application';

/** The unprivileged user the server runs as. */
export const APPLICATION_USER = 'webapp';
/** Where the service writes the server's stdout and stderr, shipped by the CloudWatch agent. */
export const APPLICATION_LOG_FILE = '/var/log/webapp/application.log';
/** The service's name. */
export const APPLICATION_SERVICE = 'webapp.service';

const RELEASES = '/opt/webapp/releases';
const CURRENT = '/opt/webapp/current';
const LAUNCHER = '/opt/webapp/start';
const STATE = '/var/lib/webapp';
const APPLICATION_ENV = '/etc/webapp/application.env';
/** Written by `ProductionWebApp` (endpoints, secret ARNs, bucket names); optional for a tier on its own. */
export const CONFIGURATION_ENV = '/etc/webapp/config.env';

/**
 * What the application's bootstrap needs: the release and how to run it, with the tier's defaults applied.
 */
export interface ApplicationBootstrapOptions {
  readonly release: WebApplicationRelease;
  readonly application: WebApplicationOptions;
  /** The port the server listens on. */
  readonly port: number;
  /** The server's own health path. */
  readonly healthCheckPath: string;
}

/**
 * The port of the server and its health path, with the defaults applied.
 */
export function applicationPortAndHealthPath(application: WebApplicationOptions, tierHealthPath: string, defaultPort: number) {
  return { port: application.port ?? defaultPort, healthCheckPath: application.healthCheckPath ?? tierHealthPath };
}

/**
 * Shell lines that fetch the release, unpack it into its own folder, run its install once, and run it as a systemd
 * service under an unprivileged user, with `/etc/webapp/config.env` and the application's variables as its
 * environment. Runs after nginx and the CloudWatch agent are set up (nginx answers 502 until the server is up).
 */
export function applicationCommands(options: ApplicationBootstrapOptions): string[] {
  const { release, application } = options;
  const packages = ['unzip', ...application.runtimePackages ?? []];
  const versionArgument = release.objectVersion === undefined ? '' : ` --version-id '${release.objectVersion}'`;
  const installTimeout = (application.installTimeout ?? Duration.minutes(10)).toSeconds();
  return [
    `dnf install -y ${packages.join(' ')}`,
    `getent passwd ${APPLICATION_USER} >/dev/null || useradd --system --user-group --home-dir ${STATE} --no-create-home `
      + `--shell /sbin/nologin ${APPLICATION_USER}`,
    `install -d -m 0755 ${RELEASES} /var/log/webapp`,
    `install -d -m 0750 -o ${APPLICATION_USER} -g ${APPLICATION_USER} ${STATE}`,
    // The folder is named after the release (asset hash, object version or key), with anything unsafe replaced.
    `release="${RELEASES}/$(printf '%s' '${release.releaseName}' | tr -c 'A-Za-z0-9._-' '_')"`,
    'if [ ! -e "$release/.installed" ]; then',
    '  rm -rf "$release"',
    `  install -d -m 0755 -o ${APPLICATION_USER} -g ${APPLICATION_USER} "$release"`,
    '  archive="$(mktemp /tmp/release.XXXXXX.zip)"',
    `  aws s3api get-object --region ${Aws.REGION} --bucket '${release.bucketName}' --key '${release.objectKey}'`
      + `${versionArgument} "$archive" >/dev/null`,
    '  chmod 0644 "$archive"',
    `  runuser -u ${APPLICATION_USER} -- unzip -q "$archive" -d "$release"`,
    '  rm -f "$archive"',
    ...application.install === undefined ? [] : [
      ...writeFile(`${LAUNCHER}-install`, script(application.install)),
      `  chmod 0755 ${LAUNCHER}-install`,
      `  (cd "$release" && HOME=${STATE} timeout ${installTimeout} runuser -u ${APPLICATION_USER} -- ${LAUNCHER}-install)`,
    ],
    // The server may not change its own code: the release belongs to root, readable by the application's group.
    `  chown -R root:${APPLICATION_USER} "$release"`,
    '  chmod -R u+rwX,g+rX,g-w,o-rwx "$release"',
    '  touch "$release/.installed"',
    'fi',
    `ln -sfn "$release" ${CURRENT}`,
    ...writeFile(LAUNCHER, script(`exec ${application.start}`)),
    `chmod 0755 ${LAUNCHER}`,
    ...writeFile(APPLICATION_ENV, environmentFile(options)),
    `chmod 0644 ${APPLICATION_ENV}`,
    ...writeFile(`/etc/systemd/system/${APPLICATION_SERVICE}`, serviceUnit(application)),
    ...writeFile('/etc/logrotate.d/webapp', logrotateConfig()),
    'systemctl daemon-reload',
    `systemctl enable --now ${APPLICATION_SERVICE}`,
  ];
}

/** A script of one command line. The start command is `exec`ed, so that systemd signals the server itself. */
function script(commandLine: string): string {
  return ['#!/bin/bash', 'set -euo pipefail', commandLine].join('\n');
}

/** systemd's environment file: one `NAME="value"` a line, `\` and `"` escaped. */
function environmentFile(options: ApplicationBootstrapOptions): string {
  const variables: Record<string, string> = {
    ...options.application.environment,
    PORT: String(options.port),
    HEALTH_CHECK_PATH: options.healthCheckPath,
  };
  return Object.entries(variables)
    .map(([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
    .join('\n');
}

/**
 * The service: the unprivileged user, restarted whatever its exit, the configuration then the application's variables
 * as environment, stdout and stderr to the file the CloudWatch agent ships, SIGTERM then `stopTimeout` to finish.
 */
export function serviceUnit(application: WebApplicationOptions): string {
  const stopSeconds = (application.stopTimeout ?? Duration.seconds(30)).toSeconds();
  return [
    '[Unit]',
    'Description=Web application',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `User=${APPLICATION_USER}`,
    `Group=${APPLICATION_USER}`,
    `WorkingDirectory=${CURRENT}`,
    `EnvironmentFile=-${CONFIGURATION_ENV}`,
    `EnvironmentFile=${APPLICATION_ENV}`,
    `Environment=HOME=${STATE}`,
    `ExecStart=${LAUNCHER}`,
    'Restart=always',
    'RestartSec=2',
    'KillSignal=SIGTERM',
    `TimeoutStopSec=${stopSeconds}`,
    `StandardOutput=append:${APPLICATION_LOG_FILE}`,
    `StandardError=append:${APPLICATION_LOG_FILE}`,
    'NoNewPrivileges=yes',
    'PrivateTmp=yes',
    'ProtectSystem=full',
    'ProtectHome=yes',
    `ReadWritePaths=${STATE}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ].join('\n');
}

/** Daily rotation in place: the service keeps its file open, so the file is copied and truncated. */
function logrotateConfig(): string {
  return [
    `${APPLICATION_LOG_FILE} {`,
    '    daily',
    '    rotate 7',
    '    compress',
    '    missingok',
    '    notifempty',
    '    copytruncate',
    '}',
  ].join('\n');
}

/** A quoted heredoc: the shell expands nothing, so the commands and values stay literal. */
function writeFile(filePath: string, content: string): string[] {
  return [`cat > ${filePath} <<'EOF'`, content, 'EOF'];
}
