import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { only } from '../template';

/**
 * The script an instance of the template's one launch template runs, with each deploy-time value written as
 * `<LogicalId>` or `<LogicalId.Attribute>` (pseudo parameters as their usual values for eu-west-1).
 */
export function userDataScript(template: Template): string {
  const [, launchTemplate] = only(template, 'AWS::EC2::LaunchTemplate');
  return render(launchTemplate.Properties.LaunchTemplateData.UserData['Fn::Base64']);
}

const PSEUDO: Record<string, string> = {
  'AWS::Region': 'eu-west-1', 'AWS::AccountId': '123456789012', 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com',
};

function render(value: any): string {
  if (typeof value === 'string') return value;
  if (value.Ref !== undefined) return PSEUDO[value.Ref] ?? `<${value.Ref}>`;
  if (value['Fn::GetAtt'] !== undefined) return `<${value['Fn::GetAtt'].join('.')}>`;
  if (value['Fn::Join'] !== undefined) {
    const [delimiter, parts] = value['Fn::Join'];
    return parts.map(render).join(delimiter);
  }
  if (value['Fn::Select'] !== undefined) return '<selected>';
  return `<${Object.keys(value)[0]}>`;
}

/** The body of the quoted heredoc that writes `file`. */
export function heredoc(script: string, file: string): string {
  const lines = script.split('\n');
  const start = lines.indexOf(`cat > ${file} <<'EOF'`);
  const end = lines.indexOf('EOF', start);
  if (start < 0 || end < 0) throw new Error(`no quoted heredoc writes ${file}`);
  return lines.slice(start + 1, end).join('\n');
}

/**
 * shellcheck's findings on a script, at every severity ('' when there is none). shellcheck must be installed in CI
 * (`.ci/run` installs Debian's package); elsewhere a missing shellcheck is reported as a finding, so the check cannot
 * pass unseen.
 */
export function shellcheck(script: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'user-data-'));
  const file = path.join(dir, 'user-data.sh');
  fs.writeFileSync(file, script);
  try {
    execFileSync('shellcheck', ['--shell=bash', '--severity=style', file], { stdio: 'pipe' });
    return '';
  } catch (error: any) {
    if (error.code === 'ENOENT') return 'shellcheck is not installed (apt-get install shellcheck)';
    return `${error.stdout ?? ''}${error.stderr ?? ''}`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
