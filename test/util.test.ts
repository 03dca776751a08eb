import { App, CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { strictStack, templateRuleFindings } from './util';

describe('strict test apps', () => {
  test('a template error fails the synth (aws-cdk-lib\'s built-in CloudFormation rules are on)', () => {
    const stack = strictStack();
    new CfnResource(stack, 'Broken', { type: 'AWS::EC2::VPC', properties: { CidrBlock: '10.0.0.0/16', Nonsense: true } });
    expect(() => Template.fromStack(stack)).toThrow(/Additional properties are not allowed \('Nonsense' was unexpected\)/);
  });

  test('templateRuleFindings reports warnings, which do not fail the synth', () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined); // synth prints the warning report
    const stack = strictStack();
    new CfnResource(stack, 'Coerced', { type: 'AWS::EC2::VPC', properties: { CidrBlock: 12 } });
    const findings = templateRuleFindings(stack.node.root as App);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(/^W9003 @ TestStack\/Coerced: CidrBlock: 12 is not of type 'string'/);
  });
});
