import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { propError } from '../../core/errors';

/** Labels of letters, digits and hyphens (not at either end), separated by dots; a trailing dot is not accepted. */
const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;

/** Throws unless `name` (a literal) is a valid domain name. */
export function validateDomainName(scope: IConstruct, prop: string, name: string): void {
  if (Token.isUnresolved(name)) return;
  if (!DOMAIN_NAME.test(name)) {
    throw propError(scope, `${prop}: '${name}' is not a valid domain name; use labels of letters, digits and hyphens ` +
      "separated by dots, e.g. 'www.example.com'.");
  }
}

/** Whether `name` is the zone's name or a name under it. */
export function isInZone(name: string, zoneName: string): boolean {
  const zone = zoneName.replace(/\.$/, '').toLowerCase();
  const host = name.toLowerCase();
  return host === zone || host.endsWith(`.${zone}`);
}
