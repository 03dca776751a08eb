import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CROSS_REGION_READER_TYPE } from '../../src/core/us-east-1';
import { StorageBuckets, StorageBucketsProps } from '../../src/storage/storage-buckets';
import { complianceFindings, formatFindings } from '../compliance';
import { idOf, only } from '../template';
import { strictApp, templateRuleFindings } from '../util';

const ACCOUNT = '123456789012';

/** `region: null` makes the stack environment-agnostic. */
function synth(props: StorageBucketsProps = {}, region: string | null = 'eu-west-1') {
  const app = strictApp();
  const stack = new Stack(app, 'Stack', region ? { env: { account: ACCOUNT, region } } : {});
  const storage = new StorageBuckets(stack, 'Storage', props);
  const replicaStack = storage.replica ? Stack.of(storage.replica) : undefined;
  return {
    app,
    stack,
    storage,
    replicaStack,
    template: Template.fromStack(stack),
    replicaTemplate: replicaStack ? Template.fromStack(replicaStack) : undefined,
  };
}

function stacksOf(app: App): string[] {
  return app.node.children.filter(Stack.isStack).map(s => s.node.id).sort();
}

const BLOCK_ALL = {
  BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
};

/** The bucket policy of a bucket denies every request without TLS. */
function expectTlsOnly(template: Template, bucketId: string) {
  template.hasResourceProperties('AWS::S3::BucketPolicy', {
    Bucket: { Ref: bucketId },
    PolicyDocument: {
      Statement: Match.arrayWith([Match.objectLike({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      })]),
    },
  });
}

function lifecycle(transitionDays: number, expirationDays: number) {
  return {
    Rules: [{
      Id: 'ArchiveThenExpireBackups',
      Status: 'Enabled',
      Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: transitionDays }],
      ExpirationInDays: expirationDays,
      NoncurrentVersionTransitions: [{ StorageClass: 'GLACIER', TransitionInDays: transitionDays }],
      NoncurrentVersionExpiration: { NoncurrentDays: expirationDays },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    }],
  };
}

describe('StorageBuckets', () => {
  describe('GIVEN a stack in eu-west-1 WHEN created with no props', () => {
    const { app, stack, storage, replicaStack, template, replicaTemplate } = synth();
    const ids = {
      logs: 'StorageLogsBucket16160246',
      staticAssets: 'StorageStaticAssetsBucket6125EE0C',
      backups: 'StorageBackupsBucketA73CAC71',
      backupsKey: 'StorageBackupsKeyA39A1480',
      replica: 'StorageReplicaBucketBDFC531D',
      replicaKey: 'StorageReplicaKey27D20471',
      replicaLogs: 'StorageReplicaLogsBucket13F140A7',
    };

    test('THEN the logical IDs of the buckets and keys are pinned', () => {
      expect(stack.resolve((storage.logs.node.defaultChild as any).logicalId)).toBe(ids.logs);
      expect(stack.resolve((storage.staticAssets.node.defaultChild as any).logicalId)).toBe(ids.staticAssets);
      expect(stack.resolve((storage.backups.node.defaultChild as any).logicalId)).toBe(ids.backups);
      expect(stack.resolve((storage.backupsKey.node.defaultChild as any).logicalId)).toBe(ids.backupsKey);
      expect(replicaStack!.resolve((storage.replica!.node.defaultChild as any).logicalId)).toBe(ids.replica);
      expect(replicaStack!.resolve((storage.replicaKey!.node.defaultChild as any).logicalId)).toBe(ids.replicaKey);
      template.resourceCountIs('AWS::S3::Bucket', 3);
      template.resourceCountIs('AWS::KMS::Key', 1);
      replicaTemplate!.resourceCountIs('AWS::S3::Bucket', 2);
      replicaTemplate!.resourceCountIs('AWS::KMS::Key', 1);
    });

    test('THEN the replica lives in a companion stack in eu-central-1, which the stack depends on', () => {
      expect(storage.disasterRecoveryRegion).toBe('eu-central-1');
      expect(replicaStack!.region).toBe('eu-central-1');
      expect(replicaStack!.account).toBe(ACCOUNT);
      expect(replicaStack!.stackName).toBe('Stack-eu-west-1-eu-central-1');
      expect(stack.dependencies).toEqual([replicaStack]);
      expect(stacksOf(app)).toEqual(['Stack', 'Stack-eu-central-1']);
    });

    test('THEN every bucket blocks public access, is versioned and is retained', () => {
      for (const [t, id] of [[template, ids.logs], [template, ids.staticAssets], [template, ids.backups],
        [replicaTemplate!, ids.replica], [replicaTemplate!, ids.replicaLogs]] as const) {
        const bucket = t.toJSON().Resources[id];
        expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual(BLOCK_ALL);
        expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
        expect(bucket.DeletionPolicy).toBe('Retain');
        expect(bucket.UpdateReplacePolicy).toBe('Retain');
        expectTlsOnly(t, id);
      }
    });

    test('THEN the logs bucket is SSE-S3, admits ACL deliveries and expires logs after 90 days', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })] },
        LoggingConfiguration: Match.absent(),
      });
      expect(template.toJSON().Resources[ids.logs].Properties.LoggingConfiguration).toBeUndefined();
    });

    test('THEN S3 delivers the buckets\' access logs under a bucket policy limited to them, not the LogDeliveryWrite ACL', () => {
      const replica = replicaTemplate!;
      const cases: Array<[Template, string, string[]]> = [
        [template, ids.logs, [ids.staticAssets, ids.backups]],
        [replica, idOf(replica, 'AWS::S3::Bucket', /ReplicaLogsBucket/), [idOf(replica, 'AWS::S3::Bucket', /ReplicaBucket/)]],
      ];
      for (const [t, logsId, sources] of cases) {
        expect(t.toJSON().Resources[logsId].Properties.AccessControl).toBeUndefined();
        const [, policy] = Object.entries(t.findResources('AWS::S3::BucketPolicy'))
          .find(([, p]) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: logsId }))!;
        const delivery = policy.Properties.PolicyDocument.Statement
          .filter((st: any) => st.Principal?.Service === 'logging.s3.amazonaws.com');
        // One statement per source bucket: its ARN and account, writing only under its own prefix.
        expect(delivery.map((st: any) => st.Condition.ArnLike['aws:SourceArn'])).toEqual(sources.map(id => ({ 'Fn::GetAtt': [id, 'Arn'] })));
        for (const st of delivery) {
          expect(st).toMatchObject({ Effect: 'Allow', Action: 's3:PutObject', Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } } });
          expect(st.Resource['Fn::Join'][1][1]).toMatch(/^\/[a-z-]+\/\*$/);
        }
      }
      replica.hasResourceProperties('AWS::S3::Bucket', {
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90 })] },
      });
    });

    test('THEN the static assets bucket is SSE-S3, owner-enforced, logged, and archives only superseded versions', () => {
      const [, bucket] = only(template, 'AWS::S3::Bucket', /^StorageStaticAssetsBucket/);
      expect(bucket.Properties).toMatchObject({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: { DestinationBucketName: { Ref: ids.logs }, LogFilePrefix: 'static-assets/' },
      });
      expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([{
        Id: 'ArchiveNoncurrentVersions',
        Status: 'Enabled',
        NoncurrentVersionTransitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }],
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      }]);
    });

    test('THEN the backups bucket is SSE-KMS with its rotated, retained key, logged, archived at 30 days and expired at 365', () => {
      const [, bucket] = only(template, 'AWS::S3::Bucket', /^StorageBackupsBucket/);
      expect(bucket.Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [ids.backupsKey, 'Arn'] } },
          }],
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: { DestinationBucketName: { Ref: ids.logs }, LogFilePrefix: 'backups/' },
        LifecycleConfiguration: lifecycle(30, 365),
      });
      const key = template.toJSON().Resources[ids.backupsKey];
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(key.DeletionPolicy).toBe('Retain');
    });

    test('THEN the backups replicate every KMS-encrypted object and delete marker to the replica, with metrics and no RTC', () => {
      const [, bucket] = only(template, 'AWS::S3::Bucket', /^StorageBackupsBucket/);
      expect(bucket.Properties.ReplicationConfiguration).toEqual({
        Role: { 'Fn::GetAtt': ['StorageReplicationRole83F7B4A3', 'Arn'] },
        Rules: [{
          Id: 'DisasterRecovery',
          Priority: 1,
          Status: 'Enabled',
          Filter: { Prefix: '' },
          DeleteMarkerReplication: { Status: 'Enabled' },
          SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
          Destination: {
            Bucket: { 'Fn::GetAtt': ['StorageReplicaBucketArn3322F6C6', 'Value'] },
            EncryptionConfiguration: { ReplicaKmsKeyID: { 'Fn::GetAtt': ['StorageReplicaKeyArnE49B6B0B', 'Value'] } },
            Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
          },
        }],
      });
    });

    test('THEN the replica bucket and key ARNs are read back from SSM parameters in eu-central-1', () => {
      template.resourceCountIs(CROSS_REGION_READER_TYPE, 2);
      template.hasResourceProperties(CROSS_REGION_READER_TYPE, {
        Region: 'eu-central-1',
        ParameterName: '/cdk-production-webapp/cross-region/eu-west-1/Stack/Storage/ReplicaBucketArn',
      });
      replicaTemplate!.hasResourceProperties('AWS::SSM::Parameter', {
        Name: '/cdk-production-webapp/cross-region/eu-west-1/Stack/Storage/ReplicaBucketArn',
        Value: { 'Fn::GetAtt': [ids.replica, 'Arn'] },
      });
      replicaTemplate!.hasResourceProperties('AWS::SSM::Parameter', {
        Name: '/cdk-production-webapp/cross-region/eu-west-1/Stack/Storage/ReplicaKeyArn',
        Value: { 'Fn::GetAtt': [ids.replicaKey, 'Arn'] },
      });
      const [, readerRole] = only(template, 'AWS::IAM::Role', /CrossRegionReader/);
      expect(JSON.stringify(readerRole.Properties.Policies)).toContain(':ssm:eu-central-1:');
    });

    test('THEN the replication role, assumed by S3, has exactly the documented permissions in a managed policy', () => {
      const [, role] = only(template, 'AWS::IAM::Role', /^StorageReplicationRole/);
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        expect.objectContaining({ Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' }),
      ]);
      expect(role.Properties.Policies).toBeUndefined();
      template.resourceCountIs('AWS::IAM::Policy', 0);
      const [, policy] = only(template, 'AWS::IAM::ManagedPolicy', /^StorageReplicationRolePolicy/);
      expect(policy.Properties.PolicyDocument.Statement).toEqual([
        { Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'], Resource: { 'Fn::GetAtt': [ids.backups, 'Arn'] } },
        {
          Effect: 'Allow',
          Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.backups, 'Arn'] }, '/*']] },
        },
        {
          Effect: 'Allow',
          Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['StorageReplicaBucketArn3322F6C6', 'Value'] }, '/*']] },
        },
        {
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: { 'Fn::GetAtt': [ids.backupsKey, 'Arn'] },
          Condition: { StringLike: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
        },
        { Effect: 'Allow', Action: 'kms:Encrypt', Resource: { 'Fn::GetAtt': ['StorageReplicaKeyArnE49B6B0B', 'Value'] } },
      ]);
    });

    test('THEN the replica is SSE-KMS with its own rotated, retained key, logged in its region, with the backups lifecycle', () => {
      const [, replica] = only(replicaTemplate!, 'AWS::S3::Bucket', /^StorageReplicaBucket/);
      expect(replica.Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [ids.replicaKey, 'Arn'] } },
          }],
        },
        LoggingConfiguration: { DestinationBucketName: { Ref: ids.replicaLogs }, LogFilePrefix: 'backups-replica/' },
        LifecycleConfiguration: lifecycle(30, 365),
      });
      expect(replica.Properties.ReplicationConfiguration).toBeUndefined();
      const key = replicaTemplate!.toJSON().Resources[ids.replicaKey];
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(key.DeletionPolicy).toBe('Retain');
      replicaTemplate!.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90 })] },
      });
    });

    test('THEN no auto-delete custom resource is added', () => {
      template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
      replicaTemplate!.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    });

    test('THEN cdk-nag reports no unacknowledged finding, and the template rules none', () => {
      expect(formatFindings(complianceFindings(app))).toEqual([]);
      expect(templateRuleFindings(app)).toEqual([]);
    });
  });

  describe('GIVEN options', () => {
    test('backupsTransitionDays and backupsExpirationDays set the lifecycle of the backups and the replica', () => {
      const { template, replicaTemplate } = synth({ backupsTransitionDays: 60, backupsExpirationDays: 730 });
      expect(only(template, 'AWS::S3::Bucket', /^StorageBackupsBucket/)[1].Properties.LifecycleConfiguration).toEqual(lifecycle(60, 730));
      expect(only(replicaTemplate!, 'AWS::S3::Bucket', /^StorageReplicaBucket/)[1].Properties.LifecycleConfiguration)
        .toEqual(lifecycle(60, 730));
    });

    test('disasterRecoveryRegion places the replica there', () => {
      const { app, storage, replicaStack, template } = synth({ disasterRecoveryRegion: 'us-east-1' });
      expect(storage.disasterRecoveryRegion).toBe('us-east-1');
      expect(replicaStack!.region).toBe('us-east-1');
      expect(stacksOf(app)).toEqual(['Stack', 'Stack-us-east-1']);
      template.hasResourceProperties(CROSS_REGION_READER_TYPE, { Region: 'us-east-1' });
    });

    test.each([
      ['us-east-1', 'us-west-2'],
      ['us-west-2', 'us-east-1'],
      ['ap-northeast-1', 'ap-northeast-3'],
      ['sa-east-1', 'us-east-1'],
    ])('a stack in %s replicates to %s by default', (region, paired) => {
      const { storage, replicaStack } = synth({}, region);
      expect(storage.disasterRecoveryRegion).toBe(paired);
      expect(replicaStack!.region).toBe(paired);
    });

    test('replicationTimeControl adds a 15-minute replication time', () => {
      const { template } = synth({ replicationTimeControl: true });
      const [, bucket] = only(template, 'AWS::S3::Bucket', /^StorageBackupsBucket/);
      expect(bucket.Properties.ReplicationConfiguration.Rules[0].Destination).toMatchObject({
        Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
        ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
      });
    });

    test('replicationDestination replicates to an existing bucket and key, with no companion stack', () => {
      const bucketArn = 'arn:aws:s3:::existing-dr-backups';
      const kmsKeyArn = 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
      const { app, storage, template } = synth({ replicationDestination: { bucketArn, kmsKeyArn } });
      expect(storage.replica).toBeUndefined();
      expect(storage.disasterRecoveryRegion).toBeUndefined();
      expect(stacksOf(app)).toEqual(['Stack']);
      template.resourceCountIs(CROSS_REGION_READER_TYPE, 0);
      const [, bucket] = only(template, 'AWS::S3::Bucket', /^StorageBackupsBucket/);
      expect(bucket.Properties.ReplicationConfiguration.Rules[0].Destination).toMatchObject({
        Bucket: bucketArn,
        EncryptionConfiguration: { ReplicaKmsKeyID: kmsKeyArn },
      });
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'], Resource: `${bucketArn}/*` }),
            Match.objectLike({ Action: 'kms:Encrypt', Resource: kmsKeyArn }),
          ]),
        },
      });
      expect(formatFindings(complianceFindings(app))).toEqual([]);
    });

    test('replication: false leaves the backups unreplicated, with no role and no companion stack', () => {
      const { app, storage, template } = synth({ replication: false });
      expect(storage.replica).toBeUndefined();
      expect(storage.replicationRole).toBeUndefined();
      expect(stacksOf(app)).toEqual(['Stack']);
      const [, bucket] = only(template, 'AWS::S3::Bucket', /^StorageBackupsBucket/);
      expect(bucket.Properties.ReplicationConfiguration).toBeUndefined();
      template.resourceCountIs('AWS::IAM::Role', 0);
      expect(formatFindings(complianceFindings(app))).toEqual([]);
    });

    test('removalPolicy DESTROY with autoDeleteObjects destroys the buckets and keys and empties every bucket', () => {
      const { app, template, replicaTemplate } = synth({ removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
      for (const t of [template, replicaTemplate!]) {
        for (const resource of Object.values({ ...t.findResources('AWS::S3::Bucket'), ...t.findResources('AWS::KMS::Key') })) {
          expect(resource.DeletionPolicy).toBe('Delete');
        }
      }
      // The logs, static assets and backups buckets; the replica and its log bucket.
      template.resourceCountIs('Custom::S3AutoDeleteObjects', 3);
      replicaTemplate!.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
      expect(formatFindings(complianceFindings(app))).toEqual([]);
    });

    test('removalPolicy DESTROY alone adds no auto-delete custom resource', () => {
      const { template } = synth({ removalPolicy: RemovalPolicy.DESTROY });
      template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
      expect(template.toJSON().Resources.StorageBackupsBucketA73CAC71.DeletionPolicy).toBe('Delete');
    });
  });

  describe('GIVEN invalid props', () => {
    test.each<[string, StorageBucketsProps, string | null, string]>([
      ['transition at expiration', { backupsTransitionDays: 365 }, 'eu-west-1',
        'Stack/Storage: backupsTransitionDays (365) and backupsExpirationDays (365) are lifecycle days that contradict each other: '
        + 'backups must move to Glacier before they expire.'],
      ['transition after expiration', { backupsTransitionDays: 90, backupsExpirationDays: 60 }, 'eu-west-1',
        'Stack/Storage: backupsTransitionDays (90) and backupsExpirationDays (60) are lifecycle days that contradict each other: '
        + 'backups must move to Glacier before they expire.'],
      ['fractional days', { backupsTransitionDays: 1.5 }, 'eu-west-1',
        'Stack/Storage: backupsTransitionDays: 1.5 is not a whole number of days of at least 1.'],
      ['zero days', { backupsExpirationDays: 0 }, 'eu-west-1',
        'Stack/Storage: backupsExpirationDays: 0 is not a whole number of days of at least 1.'],
      ['autoDeleteObjects with the default removal policy', { autoDeleteObjects: true }, 'eu-west-1',
        'Stack/Storage: autoDeleteObjects: true needs removalPolicy: RemovalPolicy.DESTROY (got retain); objects are only deleted with their bucket.'],
      ['autoDeleteObjects with SNAPSHOT', { autoDeleteObjects: true, removalPolicy: RemovalPolicy.SNAPSHOT }, 'eu-west-1',
        'Stack/Storage: autoDeleteObjects: true needs removalPolicy: RemovalPolicy.DESTROY (got snapshot); objects are only deleted with their bucket.'],
      ['the DR region is the stack\'s region', { disasterRecoveryRegion: 'eu-west-1' }, 'eu-west-1',
        "Stack/Storage: disasterRecoveryRegion: 'eu-west-1' is the stack's own region; cross-region replication needs another region."],
      ['an unpaired region', {}, 'me-south-1',
        "Stack/Storage: the stack's region me-south-1 has no default disaster recovery region; set disasterRecoveryRegion to "
        + 'another region of the same geography.'],
      ['an environment-agnostic stack', {}, null,
        'Stack/Storage: the stack has no region at synthesis (environment-agnostic), so the disaster recovery region of the '
        + "backups cannot be derived: set disasterRecoveryRegion (e.g. 'us-west-2'), or env.region on the stack."],
      ['replication options with replication off', { replication: false, replicationTimeControl: true, disasterRecoveryRegion: 'us-west-2' }, 'eu-west-1',
        'Stack/Storage: disasterRecoveryRegion, replicationTimeControl configure the replication that replication: false turns off; '
        + 'remove one or the other.'],
      ['a destination and a DR region', {
        replicationDestination: { bucketArn: 'arn:aws:s3:::b', kmsKeyArn: 'arn:aws:kms:us-west-2:123456789012:key/k' },
        disasterRecoveryRegion: 'us-west-2',
      }, 'eu-west-1',
      'Stack/Storage: disasterRecoveryRegion is the region of the replica this construct creates; with replicationDestination, the '
        + "destination bucket's region applies: remove disasterRecoveryRegion."],
    ])('%s THEN it throws', (_case, props, region, message) => {
      expect(() => synth(props, region)).toThrow(message);
    });

    test('an environment-agnostic stack with a DR region names the companion stack\'s need for a region', () => {
      expect(() => synth({ disasterRecoveryRegion: 'us-west-2' }, null)).toThrow(
        'Stack/Storage: stack Stack has no region at synthesis (environment-agnostic), but it needs a companion stack in '
        + 'us-west-2: set env.region on the stack (and env.account, for the us-west-2 companion stack that a stack in another region gets).');
    });
  });
});
