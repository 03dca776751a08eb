import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The rule-ID prefixes of the three compliance packs whose rules share names (HIPAA, NIST 800-53 R5, PCI DSS). */
export const REGULATORY_PACKS = ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'];

/**
 * Acknowledges one cdk-nag finding on one construct, with the reason this architecture makes it inherent.
 *
 * The acknowledgment is recorded on `scope` and covers the resources beneath it, so callers pass the
 * narrowest construct that holds the finding.
 */
export function acknowledgeFinding(scope: IConstruct, ruleId: string, reason: string): void {
  try {
    Validations.of(scope).acknowledge({ id: ruleId, reason });
  } catch (error) {
    // aws-cdk-lib before 2.27x rejects IDs with more than one '::', and cdk-nag's finding IDs can hold several
    // ('AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/…]'). Record the acknowledgment in the same
    // construct metadata that acknowledge() writes and cdk-nag reads.
    if (!(error instanceof Error) || !error.message.includes("The '::' delimiter is reserved")) throw error;
    scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [ruleId]: reason });
  }
}
