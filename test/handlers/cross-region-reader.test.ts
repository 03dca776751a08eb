import { external, handler } from '../../src/handlers/cross-region-reader';

/**
 * The cross-region reader (src/handlers/cross-region-reader.ts), imported; test/core/us-east-1.test.ts runs the bundle
 * the constructs deploy, behind aws-cdk-lib's response wrapper.
 */

// The Lambda Node.js runtime ships the AWS SDK v3; this package does not depend on it.
const mockSend = jest.fn();
jest.mock('@aws-sdk/client-ssm', () => ({
  SSMClient: jest.fn().mockImplementation((config: unknown) => ({ config, send: mockSend })),
  GetParameterCommand: jest.fn().mockImplementation((input: unknown) => ({ input })),
}), { virtual: true });

const NAME = '/cdk-production-webapp/cross-region/eu-west-1/Parent/A/IpSetArn';
const event = (requestType: 'Create' | 'Update' | 'Delete') => ({
  RequestType: requestType,
  ResourceProperties: { Region: 'us-east-1', ParameterName: NAME },
});

describe('the cross-region reader', () => {
  const originalGetParameter = external.getParameter;

  beforeEach(() => {
    external.getParameter = originalGetParameter;
    mockSend.mockReset();
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  test.each(['Create', 'Update'] as const)('WHEN %s THEN it reads the parameter in its region and returns the name and value', async requestType => {
    mockSend.mockResolvedValue({ Parameter: { Value: 'the-value' } });
    await expect(handler(event(requestType))).resolves.toEqual({ PhysicalResourceId: NAME, Data: { Value: 'the-value' } });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(require('@aws-sdk/client-ssm').SSMClient).toHaveBeenLastCalledWith({ region: 'us-east-1' });
    expect(mockSend).toHaveBeenCalledWith({ input: { Name: NAME } });
  });

  test('WHEN Delete THEN it reads nothing', async () => {
    external.getParameter = jest.fn();
    await expect(handler(event('Delete'))).resolves.toEqual({});
    expect(external.getParameter).not.toHaveBeenCalled();
  });

  test('WHEN the parameter has no value THEN it throws, naming the parameter and the region', async () => {
    mockSend.mockResolvedValue({ Parameter: {} });
    await expect(handler(event('Create'))).rejects.toThrow(`SSM parameter ${NAME} in us-east-1 has no value`);
  });
});
