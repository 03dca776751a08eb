#!/usr/bin/env bash
# Builds the NuGet package where a .NET SDK exists; elsewhere says why it is skipped. The target stays configured
# in package.json (jsii.targets.dotnet), so a machine with the SDK builds it with `npx projen package-all`.
set -euo pipefail
if command -v dotnet >/dev/null 2>&1; then
  exec jsii-pacmak -v --target dotnet
fi
echo "package:dotnet: skipped: no .NET SDK on this machine (the NuGet target CdkProductionWebApp stays configured)"
