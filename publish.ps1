#!/usr/bin/env pwsh
# Publishes the appliance as ONE self-contained linux-x64 executable with templates, assets and
# tutorials embedded (PowerShell 7). Same result as:
#   dotnet publish NanoChat.Appliance -c Release -r linux-x64 -o publish
# Usage: ./publish.ps1 [-Output publish] [-Runtime linux-x64]
param(
    [string]$Output = "publish",
    [string]$Runtime = "linux-x64",
    [string]$Configuration = "Release"
)
$ErrorActionPreference = "Stop"
Set-Location $PSScriptRoot

dotnet publish NanoChat.Appliance -c $Configuration -r $Runtime -o $Output
if ($LASTEXITCODE -ne 0) { throw "dotnet publish failed with exit code $LASTEXITCODE" }

$binary = Join-Path $Output "NanoChat.Appliance"
if (-not (Test-Path $binary)) { throw "The single file '$binary' was not produced." }
$sizeMb = [math]::Round((Get-Item $binary).Length / 1MB, 1)
Write-Host "Published $binary ($sizeMb MB). Start it from any folder: ./NanoChat.Appliance serve"
