// The example system in Go: the same app as ../app.ts, on the cdk-production-webapp Go module.
//
// Run from this folder: `npx cdk synth` (or `npx cdk deploy --all`). cdk.json turns on aws-cdk-lib's built-in
// CloudFormation rules, so a template error fails the synth. cdk-nag 3 has no Go module on the Go proxy yet, so this
// app does not run the four compliance packs itself; the library's acknowledgments are in its templates' metadata as
// in the other languages, and scripts/go-example.sh checks that it synthesizes the same stacks and resources as
// ../app.ts.
//
// Context (all optional), as in app.ts: region, domainName with hostedZoneId and zoneName, alarmEmail.
package main

import (
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3deployment"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-production-webapp/cdk-production-webapp-go/cdkproductionwebapp"
)

// context returns a context value as a string, or nil.
func context(app awscdk.App, key string) *string {
	if value, ok := app.Node().TryGetContext(jsii.String(key)).(string); ok {
		return jsii.String(value)
	}
	return nil
}

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)

	// As in app.ts: the region from the context, else the CLI's (CDK_DEFAULT_REGION), else us-east-1.
	region := context(app, "region")
	if region == nil {
		region = jsii.String("us-east-1")
		if fromCli, ok := os.LookupEnv("CDK_DEFAULT_REGION"); ok {
			region = jsii.String(fromCli)
		}
	}
	var account *string
	if fromCli, ok := os.LookupEnv("CDK_DEFAULT_ACCOUNT"); ok {
		account = jsii.String(fromCli)
	}
	domainName := context(app, "domainName")
	hostedZoneId := context(app, "hostedZoneId")
	zoneName := context(app, "zoneName")

	stack := awscdk.NewStack(app, jsii.String("WebApp"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: account, Region: region},
		Description: jsii.String("cdk-production-webapp example: the three-tier architecture " +
			"(network, web, data, edge, storage, monitoring)"),
	})

	// The sample application, as in app.ts: `npx projen app:build` bundles its release.
	application, err := filepath.Abs(filepath.Join("..", "application"))
	if err != nil {
		panic(err)
	}
	release := filepath.Join(application, "dist", "release")
	if info, err := os.Stat(release); err != nil || !info.IsDir() {
		panic(release + " is missing: run `npx projen app:build` first (it bundles the sample application)")
	}

	props := &cdkproductionwebapp.ProductionWebAppProps{
		AlarmEmail: context(app, "alarmEmail"),
		// The release is self-contained (its dependencies are bundled), so the instances only need Node.js.
		Application: cdkproductionwebapp.WebApplication_FromAsset(jsii.String(release), &cdkproductionwebapp.WebApplicationOptions{
			RuntimePackages: jsii.Strings("nodejs22"),
			Start:           jsii.String("node-22 server.js"),
		}),
		StaticContent: &[]awss3deployment.ISource{
			awss3deployment.Source_Asset(jsii.String(filepath.Join(application, "static")), nil),
		},
	}
	// The domain only with all three of its context values, as in app.ts.
	if domainName != nil && hostedZoneId != nil && zoneName != nil {
		props.DomainName = domainName
		props.HostedZone = awsroute53.HostedZone_FromHostedZoneAttributes(stack, jsii.String("HostedZone"),
			&awsroute53.HostedZoneAttributes{HostedZoneId: hostedZoneId, ZoneName: zoneName})
	}
	cdkproductionwebapp.NewProductionWebApp(stack, jsii.String("App"), props)

	app.Synth(nil)
}
