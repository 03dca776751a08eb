import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag finding on one construct, with the reason this architecture makes it inherent.
 *
 * The acknowledgment is recorded on `scope` and covers the resources beneath it, so callers pass the
 * narrowest construct that holds the finding.
 */
export function acknowledgeFinding(scope: IConstruct, ruleId: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: ruleId, reason });
}
