import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CustomResourceProvider, CustomResourceProviderRuntime, Stack } from 'aws-cdk-lib';

/**
 * The service token of a stack's custom resource provider whose handler is `code` (the source of an `index.js`
 * exporting `handler`), shipped as a string so that it reaches every language package through lib/.
 */
export function inlineProviderServiceToken(stack: Stack, resourceType: string, code: string, description: string,
  policyStatements: unknown[]): string {
  // CustomResourceProvider copies the code directory into its own staging directory, and hashes it, when it is
  // created: the directory is only needed during this call.
  const codeDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-production-webapp-provider-'));
  try {
    fs.writeFileSync(path.join(codeDirectory, 'index.js'), code);
    return CustomResourceProvider.getOrCreate(stack, resourceType, {
      codeDirectory,
      runtime: CustomResourceProviderRuntime.NODEJS_24_X,
      description,
      policyStatements,
    });
  } finally {
    fs.rmSync(codeDirectory, { recursive: true, force: true });
  }
}
