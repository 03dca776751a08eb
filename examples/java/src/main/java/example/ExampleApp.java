package example;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.HIPAASecurityChecks;
import io.github.cdklabs.cdknag.NIST80053R5Checks;
import io.github.cdklabs.cdknag.PCIDSS321Checks;
import io.github.cdkproductionwebapp.ProductionWebApp;
import io.github.cdkproductionwebapp.WebApplication;
import io.github.cdkproductionwebapp.WebApplicationOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.route53.HostedZone;
import software.amazon.awscdk.services.route53.HostedZoneAttributes;
import software.amazon.awscdk.services.route53.IHostedZone;
import software.amazon.awscdk.services.s3.deployment.Source;

/**
 * The example system in Java: the same app as ../app.ts, on the cdk-production-webapp Java package.
 *
 * <p>Run from this folder: {@code npx cdk synth} (or {@code npx cdk deploy --all}). It runs the four compliance packs
 * the library promises to pass (AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1): any unacknowledged
 * finding fails the synth. {@code cdk.json} turns on aws-cdk-lib's built-in CloudFormation rules, so a template error
 * fails it too.
 *
 * <p>Context (all optional), as in app.ts: {@code region}, {@code domainName} with {@code hostedZoneId} and
 * {@code zoneName}, {@code alarmEmail}.
 */
public final class ExampleApp {
    private ExampleApp() {
    }

    private static String context(App app, String key) {
        Object value = app.getNode().tryGetContext(key);
        return value == null ? null : value.toString();
    }

    public static void main(final String[] args) {
        App app = new App();

        // As in app.ts: the region from the context, else the CLI's (CDK_DEFAULT_REGION), else us-east-1.
        String region = context(app, "region");
        if (region == null) {
            region = System.getenv().getOrDefault("CDK_DEFAULT_REGION", "us-east-1");
        }
        Environment env = Environment.builder()
            .account(System.getenv("CDK_DEFAULT_ACCOUNT"))
            .region(region)
            .build();
        String domainName = context(app, "domainName");
        String hostedZoneId = context(app, "hostedZoneId");
        String zoneName = context(app, "zoneName");

        Stack stack = new Stack(app, "WebApp", StackProps.builder()
            .env(env)
            .description("cdk-production-webapp example: the three-tier architecture "
                + "(network, web, data, edge, storage, monitoring)")
            .build());

        // The domain only with all three of its context values, as in app.ts.
        IHostedZone hostedZone = null;
        if (domainName != null && hostedZoneId != null && zoneName != null) {
            hostedZone = HostedZone.fromHostedZoneAttributes(stack, "HostedZone", HostedZoneAttributes.builder()
                .hostedZoneId(hostedZoneId)
                .zoneName(zoneName)
                .build());
        }

        // The sample application, as in app.ts: `npx projen app:build` bundles its release.
        Path application = Paths.get("..", "application").toAbsolutePath().normalize();
        Path release = application.resolve("dist").resolve("release");
        if (!Files.isDirectory(release)) {
            throw new IllegalStateException(release + " is missing: run `npx projen app:build` first");
        }

        ProductionWebApp.Builder.create(stack, "App")
            // The release is self-contained (its dependencies are bundled), so the instances only need Node.js.
            .application(WebApplication.fromAsset(release.toString(), WebApplicationOptions.builder()
                .runtimePackages(List.of("nodejs22"))
                .start("node-22 server.js")
                .build()))
            .staticContent(List.of(Source.asset(application.resolve("static").toString())))
            .domainName(hostedZone != null ? domainName : null)
            .hostedZone(hostedZone)
            .alarmEmail(context(app, "alarmEmail"))
            .build();

        Validations.of(app).addPlugins(
            new AwsSolutionsChecks(app),
            new HIPAASecurityChecks(app),
            new NIST80053R5Checks(app),
            new PCIDSS321Checks(app));

        app.synth();
    }
}
