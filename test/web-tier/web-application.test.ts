import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NetworkFoundation, ScalableWebTier, ScalableWebTierProps, WebApplication, WebApplicationOptions } from '../../src';
import { complianceFindings, formatFindings } from '../compliance';
import { idOf, only } from '../template';
import { strictStack } from '../util';
import { heredoc, shellcheck, userDataScript } from './user-data';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const RELEASE = path.join(__dirname, '..', 'fixtures', 'release');
const RELEASE_ZIP = path.join(__dirname, '..', 'fixtures', 'release-zip', 'release.zip');
const START: WebApplicationOptions = { start: 'node server.js', runtimePackages: ['nodejs20'] };

const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

function synth(props: Partial<ScalableWebTierProps> = {}) {
  const stack = strictStack({ env: ENV });
  const network = new NetworkFoundation(stack, 'Network');
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN);
  const web = new ScalableWebTier(stack, 'Web', { vpc: network.vpc, certificate, ...props });
  const template = Template.fromStack(stack);
  return { stack, web, template, script: userDataScript(template) };
}

function fromAsset(options: Partial<WebApplicationOptions> = {}, assetPath = RELEASE) {
  return WebApplication.fromAsset(assetPath, { ...START, ...options });
}

describe('WebApplication on a ScalableWebTier', () => {
  describe('from an asset, with the defaults', () => {
    const { stack, template, script } = synth({
      application: fromAsset({ install: 'npm ci --omit=dev', environment: { NODE_ENV: 'production', GREETING: 'say "hi"' } }),
    });

    test('the instances fetch exactly the release object, with the instance role', () => {
      const [roleId] = only(template, 'AWS::IAM::Role', /WebInstanceRole/);
      const [, policy] = Object.entries<any>(template.findResources('AWS::IAM::ManagedPolicy'))
        .find(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))!;
      const statement = policy.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'ReadApplicationRelease');
      expect(statement.Action).toEqual('s3:GetObject');
      const resource = JSON.stringify(stack.resolve(statement.Resource));
      expect(resource).toMatch(/cdk-hnb659fds-assets-123456789012-eu-west-1\/[0-9a-f]{64}\.zip"/);
      expect(resource).not.toContain('*');
      expect(script).toMatch(/aws s3api get-object --region eu-west-1 --bucket 'cdk-hnb659fds-assets-123456789012-eu-west-1' --key '[0-9a-f]{64}\.zip' "\$archive" >\/dev\/null/);
    });

    test('the release is unpacked into its own folder, installed once as the unprivileged user, then made read-only', () => {
      expect(script).toMatch(/release="\/opt\/webapp\/releases\/\$\(printf '%s' '[0-9a-f]{64}' \| tr -c 'A-Za-z0-9._-' '_'\)"/);
      expect(script).toContain('getent passwd webapp >/dev/null || useradd --system --user-group --home-dir /var/lib/webapp '
        + '--no-create-home --shell /sbin/nologin webapp');
      expect(script).toContain('dnf install -y unzip nodejs20');
      expect(script).toContain('  runuser -u webapp -- unzip -q "$archive" -d "$release"');
      expect(heredoc(script, '/opt/webapp/start-install')).toEqual('#!/bin/bash\nset -euo pipefail\nnpm ci --omit=dev');
      expect(script).toContain('  (cd "$release" && HOME=/var/lib/webapp timeout 600 runuser -u webapp -- /opt/webapp/start-install)');
      expect(script).toContain('  chown -R root:webapp "$release"');
      expect(script).toContain('ln -sfn "$release" /opt/webapp/current');
      expect(heredoc(script, '/opt/webapp/start')).toEqual('#!/bin/bash\nset -euo pipefail\nexec node server.js');
    });

    test('a systemd service runs it as webapp, always restarted, with the configuration and its variables', () => {
      const unit = heredoc(script, '/etc/systemd/system/webapp.service');
      for (const line of ['User=webapp', 'Group=webapp', 'WorkingDirectory=/opt/webapp/current',
        'EnvironmentFile=-/etc/webapp/config.env', 'EnvironmentFile=/etc/webapp/application.env', 'ExecStart=/opt/webapp/start',
        'Restart=always', 'KillSignal=SIGTERM', 'TimeoutStopSec=30', 'StandardOutput=append:/var/log/webapp/application.log',
        'StandardError=append:/var/log/webapp/application.log', 'NoNewPrivileges=yes', 'WantedBy=multi-user.target']) {
        expect(unit.split('\n')).toContain(line);
      }
      expect(heredoc(script, '/etc/webapp/application.env').split('\n')).toEqual([
        'NODE_ENV="production"', 'GREETING="say \\"hi\\""', 'PORT="8080"', 'HEALTH_CHECK_PATH="/health"',
      ]);
      expect(script).toContain('systemctl enable --now webapp.service');
    });

    test('nginx forwards every request, and the load balancer\'s health check, to the server', () => {
      const server = heredoc(script, '/etc/nginx/conf.d/app.conf');
      expect(server).toContain('upstream application {\n    server 127.0.0.1:8080;\n    keepalive 32;\n}');
      expect(server).toContain('    location = /health {\n        access_log off;\n        proxy_pass http://application/health;\n');
      expect(server).toContain('    location / {\n        proxy_pass http://application;\n');
      expect(server).not.toContain('return 200');
      // Any path the load balancer's health checker asks for is the health location: a path change never fails
      // the instances that still run the previous configuration.
      expect(server).toContain('    "~^ELB-HealthChecker/" 1;');
      expect(server).toContain('    if ($load_balancer_health_check) {\n        rewrite ^ /health last;\n    }');
    });

    test('the server\'s output goes to a KMS-encrypted log group of its own, kept a year and retained', () => {
      const [groupId, group] = only(template, 'AWS::Logs::LogGroup', /WebApplicationLogGroup/);
      expect(group.Properties).toMatchObject({ RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [idOf(template, 'AWS::KMS::Key', /WebLogKey/), 'Arn'] } });
      expect(group.DeletionPolicy).toBe('Retain');
      const agent = JSON.parse(heredoc(script, '/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json'));
      expect(agent.logs.logs_collected.files.collect_list).toContainEqual({
        file_path: '/var/log/webapp/application.log', log_group_name: `<${groupId}>`, log_stream_name: '{instance_id}',
      });
      const policy = JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'));
      expect(policy).toContain(`{"Fn::GetAtt":["${groupId}","Arn"]}`);
    });

    test('the script installs the application after the commands and before the last health check through nginx', () => {
      const lines = script.split('\n');
      expect(lines[lines.length - 1]).toEqual('curl -fsS --retry 40 --retry-delay 3 --retry-connrefused http://127.0.0.1:80/health');
      expect(lines.indexOf('systemctl enable --now webapp.service')).toBeGreaterThan(lines.indexOf('systemctl enable --now nginx'));
    });

    test('the user data passes shellcheck with no finding', () => {
      expect(shellcheck(script)).toEqual('');
    });

    test('passes the four compliance packs with no unacknowledged finding', () => {
      expect(formatFindings(complianceFindings(stack.node.root))).toEqual([]);
    });
  });

  test('a .zip release works the same; a new release changes the launch template, which rolls the fleet', () => {
    const first = synth({ application: fromAsset({}, RELEASE_ZIP) });
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'release-'));
    fs.copyFileSync(path.join(RELEASE, 'server.js'), path.join(copy, 'server.js'));
    fs.writeFileSync(path.join(copy, 'VERSION'), '2');
    const second = synth({ application: fromAsset({}, copy) });
    const userData = (t: Template) => JSON.stringify(only(t, 'AWS::EC2::LaunchTemplate')[1].Properties.LaunchTemplateData.UserData);
    expect(userData(first.template)).not.toEqual(userData(second.template));
    expect(only(second.template, 'AWS::AutoScaling::AutoScalingGroup')[1].UpdatePolicy.AutoScalingInstanceRefresh.Strategy).toEqual('Rolling');
    fs.rmSync(copy, { recursive: true, force: true });
  });

  test('from a bucket: read on exactly that version of that key; the version names the release', () => {
    const stack = strictStack({ env: ENV });
    const network = new NetworkFoundation(stack, 'Network');
    const bucket = s3.Bucket.fromBucketName(stack, 'Releases', 'my-releases');
    new ScalableWebTier(stack, 'Web', {
      vpc: network.vpc,
      application: WebApplication.fromBucket(bucket, 'app/app-1.4.2.zip', { ...START, objectVersion: 'v3.abc_DEF', port: 3000 }),
    });
    const template = Template.fromStack(stack);
    const script = userDataScript(template);
    expect(script).toContain("--bucket 'my-releases' --key 'app/app-1.4.2.zip' --version-id 'v3.abc_DEF' \"$archive\"");
    expect(script).toContain("printf '%s' 'v3.abc_DEF'");
    expect(heredoc(script, '/etc/nginx/conf.d/app.conf')).toContain('    server 127.0.0.1:3000;');
    const policy = JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policy).toContain('"Action":["s3:GetObject","s3:GetObjectVersion"]');
    expect(policy).toContain(':s3:::my-releases/app/app-1.4.2.zip"');
  });

  test('the rollout: checkpoints, bake time, more alarms; the tier\'s own alarm can be turned off', () => {
    const stack = strictStack({ env: ENV });
    const network = new NetworkFoundation(stack, 'Network');
    const errors = new cloudwatch.Alarm(stack, 'Errors', {
      metric: new cloudwatch.Metric({ namespace: 'App', metricName: 'Errors' }), threshold: 1, evaluationPeriods: 1,
    });
    new ScalableWebTier(stack, 'Web', {
      vpc: network.vpc,
      application: fromAsset(),
      rollout: {
        checkpointPercentages: [50, 100],
        checkpointDelay: Duration.minutes(10),
        bakeTime: Duration.minutes(5),
        instanceWarmup: Duration.minutes(3),
        alarms: [errors],
        abortOnUnhealthyTargets: false,
      },
    });
    const template = Template.fromStack(stack);
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter(id => /WebRolloutAlarm/.test(id))).toEqual([]);
    expect(only(template, 'AWS::AutoScaling::AutoScalingGroup')[1].UpdatePolicy.AutoScalingInstanceRefresh).toEqual({
      Strategy: 'Rolling',
      Preferences: {
        MinHealthyPercentage: 100,
        MaxHealthyPercentage: 200,
        InstanceWarmup: 180,
        CheckpointPercentages: [50, 100],
        CheckpointDelay: 600,
        BakeTime: 300,
        AlarmSpecification: { Alarms: [{ Ref: idOf(template, 'AWS::CloudWatch::Alarm', /^Errors/) }] },
      },
    });
  });

  describe('bad input fails at synth with the prop, the value and what is valid', () => {
    const network = () => {
      const stack = strictStack({ env: ENV });
      return { stack, vpc: new NetworkFoundation(stack, 'Network').vpc };
    };
    const attempt = (props: Partial<ScalableWebTierProps>) => () => {
      const { stack, vpc } = network();
      new ScalableWebTier(stack, 'Web', { vpc, ...props });
    };

    test.each<[string, Partial<WebApplicationOptions>, string]>([
      ['an empty start', { start: ' ' }, 'TestStack/Web: application.start: " " runs nothing; give the command that runs the server'],
      ['a start on several lines', { start: 'node a.js\nnode b.js' }, 'application.start: "node a.js\\nnode b.js" spans several lines'],
      ['an empty install', { install: '' }, 'application.install: "" runs nothing'],
      ['a port outside 1-65535', { port: 70000 }, 'application.port: 70000 is not a TCP port; ports are whole numbers from 1 to 65535.'],
      ['the port nginx takes', { port: 80 }, "application.port: 80 is the web tier's applicationPort, on which nginx listens in front of the server; give the server another port (the default is 8080)."],
      ['a package name with a space', { runtimePackages: ['nodejs20 python3'] }, "application.runtimePackages: 'nodejs20 python3' is not a package name"],
      ['a bad variable name', { environment: { 'MY-VAR': 'x' } }, "application.environment: 'MY-VAR' is not a variable name"],
      ['a reserved variable', { environment: { PORT: '9000' } }, 'application.environment: PORT is set by the construct'],
      ['an install timeout of 2 hours', { installTimeout: Duration.hours(2) }, 'application.installTimeout: 2 hours is out of range; give 1 second to 60 minutes.'],
      ['a health path nginx cannot serve', { healthCheckPath: '/ready;' }, "application.healthCheckPath: '/ready;' cannot be served by the default user data"],
    ])('%s', (_, options, message) => {
      expect(attempt({ application: fromAsset(options) })).toThrow(message);
    });

    test('a path that does not exist, and a file that is not a .zip', () => {
      expect(attempt({ application: WebApplication.fromAsset('/no/such/release', START) }))
        .toThrow("TestStack/Web: application: WebApplication.fromAsset('/no/such/release'): no such file or folder");
      expect(attempt({ application: WebApplication.fromAsset(path.join(RELEASE, 'server.js'), START) }))
        .toThrow('is a file but not a .zip; give the release folder, or a .zip of it.');
    });

    test('a bucket key that is not a .zip', () => {
      const { stack, vpc } = network();
      const bucket = s3.Bucket.fromBucketName(stack, 'B', 'releases');
      expect(() => new ScalableWebTier(stack, 'Web', { vpc, application: WebApplication.fromBucket(bucket, 'app.tar.gz', START) }))
        .toThrow("application: WebApplication.fromBucket key 'app.tar.gz' is not a .zip");
    });

    test('an application with a custom userData that would drop it, or with an updatePolicy that would not roll it', () => {
      expect(attempt({ application: fromAsset(), userData: ec2.UserData.forLinux() }))
        .toThrow('TestStack/Web: application: your own userData replaces the bootstrap that installs and runs the application');
      expect(attempt({ application: fromAsset(), updatePolicy: autoscaling.UpdatePolicy.rollingUpdate() }))
        .toThrow('TestStack/Web: updatePolicy: a custom update policy replaces the rollout that takes new application releases');
      expect(attempt({ rollout: {}, updatePolicy: autoscaling.UpdatePolicy.rollingUpdate() }))
        .toThrow('TestStack/Web: rollout: its settings apply to the default rollout, which updatePolicy replaces');
    });

    test.each<[number[], string]>([
      [[50, 40, 100], '[50, 40, 100]'],
      [[50], '[50]'],
      [[0, 100], '[0, 100]'],
    ])('checkpoints %j', (checkpoints, shown) => {
      expect(attempt({ rollout: { checkpointPercentages: checkpoints } }))
        .toThrow(`rollout.checkpointPercentages: ${shown} is not a checkpoint list; give unique whole percentages in ascending order ending with 100`);
    });

    test('a checkpoint delay without checkpoints', () => {
      expect(attempt({ rollout: { checkpointDelay: Duration.minutes(5) } }))
        .toThrow('rollout.checkpointDelay: is set without checkpointPercentages');
    });
  });

  test('without an application the user data still passes shellcheck with no finding; nginx answers the health path', () => {
    const { script } = synth();
    expect(shellcheck(script)).toEqual('');
    expect(heredoc(script, '/etc/nginx/conf.d/app.conf')).toContain("        return 200 'ok';");
    expect(script).not.toContain('webapp.service');
  });

  test('a health check path change rolls the fleet, and the running instances keep passing the new path meanwhile', () => {
    const before = synth({ application: fromAsset() });
    const after = synth({ application: fromAsset(), healthCheck: { path: '/healthz' } });
    const userData = (t: Template) => JSON.stringify(only(t, 'AWS::EC2::LaunchTemplate')[1].Properties.LaunchTemplateData.UserData);
    expect(userData(after.template)).not.toEqual(userData(before.template));
    // The target group asks for /healthz as soon as it is updated; the instances launched before answer the load
    // balancer's health checker on any path with their own health location, until the refresh replaces them.
    const oldServer = heredoc(before.script, '/etc/nginx/conf.d/app.conf');
    expect(oldServer).toContain('map $http_user_agent $load_balancer_health_check {\n    default 0;\n    "~^ELB-HealthChecker/" 1;\n}');
    expect(oldServer).toContain('    if ($load_balancer_health_check) {\n        rewrite ^ /health last;\n    }');
    expect(only(after.template, 'AWS::ElasticLoadBalancingV2::TargetGroup')[1].Properties.HealthCheckPath).toEqual('/healthz');
  });

  test('the instance role reads no object of a stack\'s own bucket without an application', () => {
    const { template } = synth();
    expect(JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'))).not.toContain('ReadApplicationRelease');
    expect(Object.keys(template.findResources('AWS::Logs::LogGroup')).filter(id => /WebApplicationLogGroup/.test(id))).toEqual([]);
  });
});
