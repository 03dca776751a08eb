import { external, handler } from '../../src/handlers/prefix-list-lookup';

/**
 * The prefix list lookup (src/handlers/prefix-list-lookup.ts), imported; test/core/cloudfront-prefix-list.test.ts runs
 * the bundle the constructs deploy, behind aws-cdk-lib's response wrapper.
 */

// The Lambda Node.js runtime ships the AWS SDK v3; this package does not depend on it.
const mockSend = jest.fn();
jest.mock('@aws-sdk/client-ec2', () => ({
  EC2Client: jest.fn().mockImplementation((config: unknown) => ({ config, send: mockSend })),
  DescribeManagedPrefixListsCommand: jest.fn().mockImplementation((input: unknown) => ({ input })),
}), { virtual: true });

const NAME = 'com.amazonaws.global.cloudfront.origin-facing';
const filters = { Filters: [{ Name: 'prefix-list-name', Values: [NAME] }] };
const event = (requestType: 'Create' | 'Update' | 'Delete', name: unknown = NAME) => ({
  RequestType: requestType,
  ResourceProperties: { PrefixListName: name },
});
const list = (id: string) => ({ PrefixListId: id, PrefixListName: NAME });

describe('the prefix list lookup', () => {
  const originalDescribe = external.describeManagedPrefixLists;
  const originalRegion = process.env.AWS_REGION;

  beforeEach(() => {
    external.describeManagedPrefixLists = originalDescribe;
    mockSend.mockReset();
    process.env.AWS_REGION = 'eu-west-1';
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
    if (originalRegion === undefined) delete process.env.AWS_REGION;
    else process.env.AWS_REGION = originalRegion;
  });

  test.each(['Create', 'Update'] as const)('WHEN %s THEN it reads every page, in its own region, and returns the one ID', async requestType => {
    mockSend
      .mockResolvedValueOnce({ PrefixLists: [], NextToken: 'page-2' })
      .mockResolvedValueOnce({ PrefixLists: [list('pl-4fa04526')] });
    await expect(handler(event(requestType))).resolves.toEqual({ PhysicalResourceId: 'pl-4fa04526', Data: { PrefixListId: 'pl-4fa04526' } });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(require('@aws-sdk/client-ec2').EC2Client).toHaveBeenLastCalledWith({});
    expect(mockSend.mock.calls).toEqual([[{ input: filters }], [{ input: { ...filters, NextToken: 'page-2' } }]]);
  });

  test('WHEN Delete THEN it looks nothing up', async () => {
    external.describeManagedPrefixLists = jest.fn();
    await expect(handler(event('Delete'))).resolves.toEqual({});
    expect(external.describeManagedPrefixLists).not.toHaveBeenCalled();
  });

  test.each([
    ['no name', '', 'PrefixListName is required'],
    ['a name that is not a string', 42, 'PrefixListName is required'],
  ])('WHEN given %s THEN it throws before calling EC2', async (_case, name, message) => {
    await expect(handler(event('Create', name))).rejects.toThrow(message);
    expect(mockSend).not.toHaveBeenCalled();
  });

  test.each([
    ['no list has the name', [], `No managed prefix list named ${NAME} in eu-west-1: AWS does not publish it in this region`],
    ['two lists have the name', [list('pl-1'), list('pl-2')], `Expected one managed prefix list named ${NAME} in eu-west-1, found 2: pl-1, pl-2`],
    ['the list has no ID', [{ PrefixListName: NAME }], `The managed prefix list named ${NAME} in eu-west-1 has no ID`],
  ])('WHEN %s THEN it throws a clear error', async (_case, prefixLists, message) => {
    mockSend.mockResolvedValue({ PrefixLists: prefixLists });
    await expect(handler(event('Create'))).rejects.toThrow(message);
  });
});
