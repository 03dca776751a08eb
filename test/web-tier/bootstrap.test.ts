import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { BootstrapOptions, bootstrapCommands, cloudWatchAgentConfig, healthCheckCommand } from '../../src/web-tier/private/bootstrap';

const AGENT_CONFIG_FILE = '/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json';
const LOG_GROUPS = {
  nginxAccess: '/web/nginx/access',
  nginxError: '/web/nginx/error',
  system: '/web/system',
  cloudInit: '/web/cloud-init',
};

function options(overrides: Partial<BootstrapOptions> = {}): BootstrapOptions {
  return { applicationPort: 80, healthCheckPath: '/health', logGroups: LOG_GROUPS, ...overrides };
}

/** The script an instance runs, for options without tokens (the agent configuration is a token until resolved). */
function renderScript(opts: BootstrapOptions): string {
  const stack = new Stack();
  const script = stack.resolve(['#!/bin/bash', ...bootstrapCommands(stack, opts)].join('\n'));
  if (typeof script !== 'string') throw new Error(`expected a plain script, got ${JSON.stringify(script)}`);
  return script;
}

/** The body of the quoted heredoc that writes `file`. */
function heredoc(script: string, file: string): string {
  const lines = script.split('\n');
  const start = lines.indexOf(`cat > ${file} <<'EOF'`);
  const end = lines.indexOf('EOF', start);
  if (start < 0 || end < 0) throw new Error(`no quoted heredoc writes ${file}`);
  return lines.slice(start + 1, end).join('\n');
}

/** Runs a checker on the script in a file; throws with the checker's output if it fails. */
function check(command: string, args: string[], script: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bootstrap-'));
  const file = path.join(dir, 'user-data.sh');
  fs.writeFileSync(file, script);
  try {
    execFileSync(command, [...args, file], { stdio: 'pipe' });
  } catch (error: any) {
    throw new Error(`${command} rejected the script:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function onPath(command: string): boolean {
  try {
    execFileSync('which', [command], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('web tier bootstrap', () => {
  test('the script is valid bash (and shellcheck-clean at error level when shellcheck is installed)', () => {
    // GIVEN
    const script = renderScript(options());

    // THEN
    expect(() => check('bash', ['-n'], script)).not.toThrow();
    if (onPath('shellcheck')) {
      expect(() => check('shellcheck', ['-S', 'error'], script)).not.toThrow();
    }
  });

  test('any failed step fails the script, which the caller\'s signal reports', () => {
    // WHEN
    const lines = bootstrapCommands(new Stack(), options());

    // THEN
    expect(lines[0]).toEqual('set -euo pipefail');
  });

  test('installs nginx, the CloudWatch agent and rsyslog, and runs rsyslog and the SSM agent', () => {
    // WHEN
    const lines = bootstrapCommands(new Stack(), options());

    // THEN
    expect(lines).toContain('dnf install -y nginx amazon-cloudwatch-agent rsyslog acl');
    expect(lines).toContain('systemctl enable --now rsyslog');
    expect(lines).toContain('systemctl enable --now amazon-ssm-agent');
    expect(lines.indexOf('systemctl enable --now rsyslog')).toBeGreaterThan(lines.indexOf('dnf install -y nginx amazon-cloudwatch-agent rsyslog acl'));
  });

  test.each([80, 8080])('nginx answers the health path on port %d, as the only default server', (port) => {
    // WHEN
    const script = renderScript(options({ applicationPort: port, healthCheckPath: '/healthz' }));

    // THEN
    const server = heredoc(script, '/etc/nginx/conf.d/app.conf');
    expect(server).toContain(`    listen ${port} default_server;\n    listen [::]:${port} default_server;\n`);
    expect(server.match(/listen /g)).toHaveLength(2);
    expect(server).toContain([
      '    location = /healthz {',
      '        access_log off;',
      '        default_type text/plain;',
      '        return 200 \'ok\';',
      '    }',
    ].join('\n'));
    expect(server).toContain('    root /usr/share/nginx/html;\n');
    expect(server).toContain('    location / {\n');
    // The stock nginx.conf of Amazon Linux 2023 has its own `listen 80` server; the one written has none.
    const main = heredoc(script, '/etc/nginx/nginx.conf');
    expect(main).not.toMatch(/\bserver\s*\{/);
    expect(main).not.toMatch(/\blisten\b/);
    expect(main).toContain('    include /etc/nginx/conf.d/*.conf;\n');
    // Validated and started only once both files are written.
    const lines = script.split('\n');
    expect(lines.indexOf('nginx -t')).toBeGreaterThan(lines.lastIndexOf('EOF', lines.indexOf('nginx -t')));
    expect(lines.indexOf('systemctl enable --now nginx')).toEqual(lines.indexOf('nginx -t') + 1);
  });

  test('the agent configuration collects memory and root disk use and the four logs, aggregated by group', () => {
    // WHEN
    const config = cloudWatchAgentConfig(options());

    // THEN
    expect(config).toEqual({
      agent: { run_as_user: 'cwagent', metrics_collection_interval: 60 },
      metrics: {
        namespace: 'CWAgent',
        append_dimensions: {
          AutoScalingGroupName: '${aws:AutoScalingGroupName}',
          InstanceId: '${aws:InstanceId}',
          ImageId: '${aws:ImageId}',
          InstanceType: '${aws:InstanceType}',
        },
        aggregation_dimensions: [['AutoScalingGroupName']],
        metrics_collected: {
          mem: { measurement: ['mem_used_percent'] },
          disk: { measurement: ['used_percent'], resources: ['/'], drop_device: true },
        },
      },
      logs: {
        logs_collected: {
          files: {
            collect_list: [
              { file_path: '/var/log/nginx/access.log', log_group_name: '/web/nginx/access', log_stream_name: '{instance_id}' },
              { file_path: '/var/log/nginx/error.log', log_group_name: '/web/nginx/error', log_stream_name: '{instance_id}' },
              { file_path: '/var/log/messages', log_group_name: '/web/system', log_stream_name: '{instance_id}' },
              { file_path: '/var/log/cloud-init-output.log', log_group_name: '/web/cloud-init', log_stream_name: '{instance_id}' },
            ],
          },
        },
      },
    });
  });

  test('the script writes that configuration verbatim and starts the agent with it', () => {
    // WHEN
    const script = renderScript(options());

    // THEN
    expect(JSON.parse(heredoc(script, AGENT_CONFIG_FILE))).toEqual(cloudWatchAgentConfig(options()));
    expect(script.split('\n')).toContain('/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s ' +
      `-c file:${AGENT_CONFIG_FILE}`);
  });

  test('the agent, running as cwagent, may read the four log files before it starts', () => {
    // WHEN
    const lines = bootstrapCommands(new Stack(), options());

    // THEN
    const files = '/var/log/nginx/access.log /var/log/nginx/error.log /var/log/messages /var/log/cloud-init-output.log';
    expect(lines).toContain(`setfacl -m u:cwagent:r ${files}`);
    expect(lines).toContain('setfacl -d -m u:cwagent:r /var/log/nginx');
    const agentStart = lines.findIndex(line => line.includes('amazon-cloudwatch-agent-ctl'));
    expect(lines.indexOf(`setfacl -m u:cwagent:r ${files}`)).toBeLessThan(agentStart);
    expect(lines.indexOf('systemctl enable --now nginx')).toBeLessThan(agentStart);
  });

  test('token log group names resolve at deploy time; agent placeholders stay literal', () => {
    // GIVEN
    const stack = new Stack();
    const group = new logs.LogGroup(stack, 'G');
    const userData = ec2.UserData.forLinux();

    // WHEN
    userData.addCommands(...bootstrapCommands(stack, options({
      logGroups: { ...LOG_GROUPS, nginxAccess: group.logGroupName },
    })));
    const rendered = stack.resolve(userData.render());

    // THEN
    const logicalId = stack.getLogicalId(group.node.defaultChild as logs.CfnLogGroup);
    expect(Object.keys(rendered)).toEqual(['Fn::Join']);
    const [delimiter, parts] = rendered['Fn::Join'];
    expect(delimiter).toEqual('');
    expect(parts).toHaveLength(3);
    expect(parts[0]).toMatch(/"file_path": "\/var\/log\/nginx\/access\.log",\n\s*"log_group_name": "$/);
    expect(parts[1]).toEqual({ Ref: logicalId });
    expect(parts[2]).toMatch(/^",\n\s*"log_stream_name": "\{instance_id\}"/);
    expect(parts[0]).toContain('"AutoScalingGroupName": "${aws:AutoScalingGroupName}"');
    expect(parts[0]).not.toContain('${Token[');
  });

  test('the last line fetches the health path from nginx, so a broken server fails the script', () => {
    // WHEN
    const line = healthCheckCommand(options({ applicationPort: 8080, healthCheckPath: '/status/live' }));
    const withApplication = healthCheckCommand(options({ upstream: { port: 3000, healthCheckPath: '/ready' } }));

    // THEN
    expect(line).toEqual('curl -fsS --retry 10 --retry-delay 3 --retry-connrefused http://127.0.0.1:8080/status/live');
    // nginx answers 502 while the application starts, which curl retries; the server gets two minutes.
    expect(withApplication).toEqual('curl -fsS --retry 40 --retry-delay 3 --retry-connrefused http://127.0.0.1:80/health');
  });

  test('rejects a health path that nginx or the shell would misread', () => {
    // GIVEN
    const stack = new Stack();

    // THEN
    expect(() => bootstrapCommands(stack, options({ healthCheckPath: '/health; reboot' })))
      .toThrow("healthCheck.path: '/health; reboot' cannot be served by the default user data");
    expect(() => bootstrapCommands(stack, options({ healthCheckPath: '/health/ready-1.0_~' }))).not.toThrow();
  });
});
