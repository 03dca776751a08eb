import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { APPLICATION_LOG_FILE } from './application-bootstrap';
import { propError } from '../../core/errors';

/**
 * Names of the CloudWatch log groups the instances ship their logs to (may be tokens).
 */
export interface BootstrapLogGroups {
  readonly nginxAccess: string;
  readonly nginxError: string;
  readonly system: string;
  readonly cloudInit: string;
  /** The application's stdout and stderr, when the tier runs an application. */
  readonly application?: string;
}

/**
 * The application server nginx forwards every request to.
 */
export interface BootstrapUpstream {
  /** The server's port on the instance. */
  readonly port: number;
  /** The server's own health path. */
  readonly healthCheckPath: string;
}

/**
 * What the bootstrap serves and where it ships its logs.
 */
export interface BootstrapOptions {
  /** The port nginx listens on. */
  readonly applicationPort: number;
  /** The load balancer's health path, e.g. `/health`: nginx answers `200 ok` on it, or the upstream's health path. */
  readonly healthCheckPath: string;
  readonly logGroups: BootstrapLogGroups;
  /**
   * The application server behind nginx.
   *
   * @default - none: nginx answers the health path itself
   */
  readonly upstream?: BootstrapUpstream;
}

const AGENT_CONFIG_FILE = '/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json';
const AGENT_CTL = '/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl';
const AGENT_USER = 'cwagent';

/** The log file each log group receives. */
const LOG_FILES: Record<keyof BootstrapLogGroups, string> = {
  nginxAccess: '/var/log/nginx/access.log',
  nginxError: '/var/log/nginx/error.log',
  system: '/var/log/messages',
  cloudInit: '/var/log/cloud-init-output.log',
  application: APPLICATION_LOG_FILE,
};

/** The log files of the system, which exist before any application does. */
const SYSTEM_LOG_FILES = ['nginxAccess', 'nginxError', 'system', 'cloudInit'].map(key => LOG_FILES[key as keyof BootstrapLogGroups]);

/** Characters a health check path may hold: it is written unquoted into the nginx config and the shell. */
const SAFE_PATH = /^\/[A-Za-z0-9._~/-]*$/;

/**
 * The CloudWatch agent configuration (an object ready for JSON).
 */
export function cloudWatchAgentConfig(options: BootstrapOptions): Record<string, unknown> {
  return {
    agent: {
      run_as_user: AGENT_USER,
      metrics_collection_interval: 60,
    },
    metrics: {
      namespace: 'CWAgent',
      // Agent placeholders, filled in on the instance.
      append_dimensions: {
        AutoScalingGroupName: '${aws:AutoScalingGroupName}',
        InstanceId: '${aws:InstanceId}',
        ImageId: '${aws:ImageId}',
        InstanceType: '${aws:InstanceType}',
      },
      // Fleet-wide series for alarms, which cannot follow instances as the group replaces them.
      aggregation_dimensions: [['AutoScalingGroupName']],
      metrics_collected: {
        mem: { measurement: ['mem_used_percent'] },
        disk: { measurement: ['used_percent'], resources: ['/'], drop_device: true },
      },
    },
    logs: {
      logs_collected: {
        files: {
          collect_list: (Object.keys(LOG_FILES) as Array<keyof BootstrapLogGroups>)
            .filter(key => options.logGroups[key] !== undefined)
            .map(key => ({
              file_path: LOG_FILES[key],
              log_group_name: options.logGroups[key],
              log_stream_name: '{instance_id}',
            })),
        },
      },
    },
  };
}

/**
 * Shell lines (no shebang) for a Linux UserData: `ec2.UserData.forLinux().addCommands(...lines)`.
 *
 * Bootstraps Amazon Linux 2023: nginx on the application port with the health path (answered by nginx, or forwarded to
 * the application server), the CloudWatch agent and the SSM agent. Any failed step stops the script
 * (`set -euo pipefail`); an instance whose server does not answer its health check is replaced by the Auto Scaling
 * group (ELB health checks). `healthCheckCommand` ends the script.
 */
export function bootstrapCommands(scope: IConstruct, options: BootstrapOptions): string[] {
  validateHealthCheckPath(scope, 'healthCheck.path', options.healthCheckPath);
  if (options.upstream) validateHealthCheckPath(scope, 'application.healthCheckPath', options.upstream.healthCheckPath);
  return [
    'set -euo pipefail',
    // rsyslog: Amazon Linux 2023 keeps the system log in the journal only, without /var/log/messages.
    'dnf install -y nginx amazon-cloudwatch-agent rsyslog acl',
    'systemctl enable --now rsyslog',
    ...startNginx(options),
    ...startCloudWatchAgent(scope, options),
    'systemctl enable --now amazon-ssm-agent',
  ];
}

/**
 * The last line of the user data: the health path through nginx, retried while the server starts (nginx answers 502
 * until it listens). The load balancer would mark a broken server unhealthy anyway; failing here reports it.
 */
export function healthCheckCommand(options: BootstrapOptions): string {
  const retries = options.upstream ? 40 : 10;
  return `curl -fsS --retry ${retries} --retry-delay 3 --retry-connrefused `
    + `http://127.0.0.1:${options.applicationPort}${options.healthCheckPath}`;
}

function validateHealthCheckPath(scope: IConstruct, prop: string, path: string) {
  if (Token.isUnresolved(path)) return;
  if (!SAFE_PATH.test(path)) {
    throw propError(scope, `${prop}: '${path}' cannot be served by the default user data; use only letters, ` +
      'digits and / . _ ~ - (e.g. \'/health\'), or pass your own userData.');
  }
}

function startNginx(options: BootstrapOptions): string[] {
  return [
    ...writeFile('/etc/nginx/nginx.conf', nginxMainConfig()),
    ...writeFile('/etc/nginx/conf.d/app.conf', nginxServerConfig(options)),
    'nginx -t',
    'systemctl enable --now nginx',
  ];
}

/**
 * The stock nginx.conf of Amazon Linux 2023 without its default server, which would also claim port 80.
 * Replacing the whole file does not depend on how that server block is written.
 */
function nginxMainConfig(): string {
  return [
    'user nginx;',
    'worker_processes auto;',
    'error_log /var/log/nginx/error.log notice;',
    'pid /run/nginx.pid;',
    'include /usr/share/nginx/modules/*.conf;',
    '',
    'events {',
    '    worker_connections 1024;',
    '}',
    '',
    'http {',
    '    log_format main \'$remote_addr - $remote_user [$time_local] "$request" \'',
    '                    \'$status $body_bytes_sent "$http_referer" \'',
    '                    \'"$http_user_agent" "$http_x_forwarded_for"\';',
    '    access_log /var/log/nginx/access.log main;',
    '    sendfile on;',
    '    tcp_nopush on;',
    // Longer than the load balancer's 60 s idle timeout, so nginx never closes a connection the load balancer reuses.
    '    keepalive_timeout 65;',
    '    types_hash_max_size 4096;',
    '    include /etc/nginx/mime.types;',
    '    default_type application/octet-stream;',
    '    include /etc/nginx/conf.d/*.conf;',
    '}',
  ].join('\n');
}

function nginxServerConfig(options: BootstrapOptions): string {
  const port = options.applicationPort;
  const upstream = options.upstream;
  return [
    ...upstream ? [
      'upstream application {',
      `    server 127.0.0.1:${upstream.port};`,
      '    keepalive 32;',
      '}',
      '',
    ] : [],
    // The load balancer's health checks reach the health location whatever path they ask for: when the target group's
    // path changes, the instances still running the previous configuration keep passing until they are replaced.
    'map $http_user_agent $load_balancer_health_check {',
    '    default 0;',
    '    "~^ELB-HealthChecker/" 1;',
    '}',
    '',
    'server {',
    `    listen ${port} default_server;`,
    `    listen [::]:${port} default_server;`,
    '    server_name _;',
    '    root /usr/share/nginx/html;',
    // Where Amazon Linux packages and deployments add locations to the default server.
    '    include /etc/nginx/default.d/*.conf;',
    '',
    '    if ($load_balancer_health_check) {',
    `        rewrite ^ ${options.healthCheckPath} last;`,
    '    }',
    '',
    `    location = ${options.healthCheckPath} {`,
    '        access_log off;',
    ...upstream ? [
      // Healthy only when the server itself answers its health path.
      `        proxy_pass http://application${upstream.healthCheckPath};`,
      ...PROXY_SETTINGS,
    ] : [
      '        default_type text/plain;',
      '        return 200 \'ok\';',
    ],
    '    }',
    '',
    '    location / {',
    ...upstream ? [
      '        proxy_pass http://application;',
      ...PROXY_SETTINGS,
    ] : [
      '        try_files $uri $uri/ =404;',
    ],
    '    }',
    '}',
  ].join('\n');
}

/** nginx buffers slow clients and keeps connections to the server open; the server sees the viewer's address. */
const PROXY_SETTINGS = [
  '        proxy_http_version 1.1;',
  '        proxy_set_header Connection "";',
  '        proxy_set_header Host $host;',
  '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
  '        proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;',
  '        proxy_read_timeout 60s;',
];

function startCloudWatchAgent(scope: IConstruct, options: BootstrapOptions): string[] {
  return [
    ...grantLogReadAccess(),
    // Through the stack so that token log group names resolve at deploy time.
    ...writeFile(AGENT_CONFIG_FILE, Stack.of(scope).toJsonString(cloudWatchAgentConfig(options), 2)),
    `${AGENT_CTL} -a fetch-config -m ec2 -s -c file:${AGENT_CONFIG_FILE}`,
  ];
}

/**
 * The agent runs as cwagent, but rsyslog and nginx's logrotate create their logs for root and nginx only. Reading
 * is granted with ACLs: logrotate copies them to the files it recreates, except where `create` sets a mode, as
 * nginx's does; there the directory's default ACL applies.
 */
function grantLogReadAccess(): string[] {
  const files = SYSTEM_LOG_FILES.join(' ');
  return [
    `setfacl -m u:${AGENT_USER}:rx /var/log/nginx`,
    `setfacl -d -m u:${AGENT_USER}:r /var/log/nginx`,
    // rsyslog may not have created /var/log/messages yet; create it as private as rsyslog would.
    `(umask 077 && touch ${files})`,
    `setfacl -m u:${AGENT_USER}:r ${files}`,
  ];
}

/** A quoted heredoc: the shell expands nothing, so nginx variables and agent placeholders stay literal. */
function writeFile(path: string, content: string): string[] {
  return [`cat > ${path} <<'EOF'`, content, 'EOF'];
}
