/**
 * The shape of the AWS SDK for JavaScript v3 as the handlers use it.
 *
 * The Lambda Node.js runtimes ship the SDK's clients, so the handlers load them at run time (esbuild leaves
 * `@aws-sdk/*` out of the bundles) and this package depends on none of them: each handler declares the slice of a
 * client it calls, typed with these helpers.
 */

/** A command of the AWS SDK v3: the input it was built from; `Output` is what `send` resolves to. */
export interface SdkCommand<Output> {
  readonly input: object;
  /** Never set: carries the command's output type to `SdkClient.send`. */
  readonly outputType?: Output;
}

/** The class of a command: `new DescribeSecretCommand({ SecretId })`. */
export type SdkCommandClass<Input extends object, Output> = new (input: Input) => SdkCommand<Output>;

/** A client of the AWS SDK v3. */
export interface SdkClient {
  send<Output>(command: SdkCommand<Output>): Promise<Output>;
}

/** The class of a client: `new SSMClient({ region })`. */
export type SdkClientClass = new (config: { region?: string }) => SdkClient;

/**
 * The event aws-cdk-lib's `CustomResourceProvider` response wrapper (`__entrypoint__.js`) passes to a handler; it sends
 * CloudFormation the `{ PhysicalResourceId, Data }` the handler returns, or FAILED when the handler throws.
 */
export interface CustomResourceEvent<Properties> {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Properties;
}

/** What a custom resource handler returns to the wrapper (nothing on Delete). */
export interface CustomResourceResult<Data> {
  readonly PhysicalResourceId?: string;
  readonly Data?: Data;
}
