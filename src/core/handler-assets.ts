import * as fs from 'fs';
import * as path from 'path';
import { CustomResourceProvider, CustomResourceProviderRuntime, Stack } from 'aws-cdk-lib';

/** The Lambda handlers of this library, each bundled at build time from `src/handlers/` into its own folder. */
export type HandlerName = 'cross-region-reader' | 'prefix-list-lookup' | 'origin-header-rotation' | 'auth-token-rotation';

/**
 * The folder holding the bundled code of a handler: `assets/handlers/<name>` at the package root, found from this
 * file whether it runs from `src/core/` (tests) or `lib/core/` (the package, in every language).
 */
export function handlerAssetPath(name: HandlerName): string {
  const directory = path.join(__dirname, '..', '..', 'assets', 'handlers', name);
  if (!fs.existsSync(directory)) {
    throw new Error(`The bundled Lambda handler ${name} is missing from ${directory}: run \`npx projen bundle\``);
  }
  return directory;
}

/**
 * The service token of a stack's custom resource provider whose handler is the bundled `name` (an `index.js`
 * exporting `handler`, which aws-cdk-lib's response wrapper calls).
 */
export function handlerProviderServiceToken(stack: Stack, resourceType: string, name: HandlerName, description: string,
  policyStatements: unknown[]): string {
  return CustomResourceProvider.getOrCreate(stack, resourceType, {
    codeDirectory: handlerAssetPath(name),
    runtime: CustomResourceProviderRuntime.NODEJS_24_X,
    description,
    policyStatements,
  });
}
