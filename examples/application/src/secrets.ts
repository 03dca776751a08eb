import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Reads secrets with the AWS SDK v3 (credentials from the instance role through the default chain). The endpoint is
 * the SDK's default, or AWS_ENDPOINT_URL_SECRETS_MANAGER / AWS_ENDPOINT_URL when set (the harness's local moto).
 */
export class Secrets {
  private readonly client: SecretsManagerClient;

  constructor(region: string | undefined) {
    const endpoint = process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER?.trim() || process.env.AWS_ENDPOINT_URL?.trim() || undefined;
    this.client = new SecretsManagerClient({ region, endpoint, maxAttempts: 3 });
  }

  /** The secret's string, at AWSCURRENT unless another stage is asked for; undefined when no version has the stage. */
  async read(secretId: string, stage: 'AWSCURRENT' | 'AWSPENDING' = 'AWSCURRENT'): Promise<string | undefined> {
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
      if (out.SecretString === undefined) throw new Error(`secret ${secretId} has no string value`);
      return out.SecretString;
    } catch (err) {
      if (stage !== 'AWSCURRENT' && (err as { name?: string }).name === 'ResourceNotFoundException') return undefined;
      throw err;
    }
  }

  destroy(): void {
    this.client.destroy();
  }
}
