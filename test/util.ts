import { App, AppProps, Stack, StackProps } from 'aws-cdk-lib';

/** Context every test app synthesizes with: aws-cdk-lib's built-in CloudFormation rules fail the synth on any error. */
export const STRICT_CONTEXT = { '@aws-cdk/core:validateAgainstDefaultRules': true };

/** An app that validates its templates against aws-cdk-lib's built-in CloudFormation rules. */
export function strictApp(props: AppProps = {}): App {
  return new App({ ...props, context: { ...STRICT_CONTEXT, ...props.context } });
}

/** A stack in a strict app; env-agnostic unless `env` is given. */
export function strictStack(props: StackProps = {}, id = 'TestStack'): Stack {
  return new Stack(strictApp(), id, props);
}
