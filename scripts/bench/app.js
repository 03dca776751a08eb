// One synthesis, timed from process start by bench.ts: `node app.js <empty|complete> <outdir>`.
// 'empty' is an app with one empty stack (aws-cdk-lib alone; its one resource is a no-op wait condition handle, as a
// template must hold a resource); 'complete' is the default ProductionWebApp in eu-west-1
// (the stack, its us-east-1 companion and follower, and its disaster recovery companion), from the compiled lib/.
'use strict';
const [variant, outdir] = process.argv.slice(2);
const { App, CfnWaitConditionHandle, Stack } = require('aws-cdk-lib');
const app = new App({ outdir, context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
const stack = new Stack(app, 'Bench', { env: { account: '123456789012', region: 'eu-west-1' } });
if (variant === 'complete') {
  const { ProductionWebApp } = require('../../lib');
  new ProductionWebApp(stack, 'App');
} else if (variant === 'empty') {
  new CfnWaitConditionHandle(stack, 'Nothing');
} else {
  throw new Error(`unknown variant ${variant}: use empty or complete`);
}
const assembly = app.synth();
let resources = 0;
for (const artifact of assembly.stacks) resources += Object.keys(artifact.template.Resources ?? {}).length;
process.stdout.write(JSON.stringify({ stacks: assembly.stacks.length, resources }));
