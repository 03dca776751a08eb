import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * A role whose permissions, including every `grant…()` made to it later, land in one customer-managed policy
 * instead of an inline `DefaultPolicy`.
 *
 * The HIPAA, NIST 800-53 R5 and PCI DSS packs reject inline policies (`IAMNoInlinePolicy`); aws-cdk-lib's grants
 * write inline ones. Routing the principal policy here keeps every grant compliant without acknowledgments.
 */
export class ManagedPolicyRole extends iam.Role {
  /** The policy that holds every statement added to this role. */
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: iam.RoleProps) {
    super(scope, id, props);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: props.description ? `Permissions of: ${props.description}` : undefined,
      roles: [this],
    });
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
}
