<#
.SYNOPSIS
Registers PIM Companion in your Microsoft Entra tenant with Microsoft Graph PowerShell (Microsoft.Graph.Applications
and Microsoft.Graph.Identity.SignIns modules).

.DESCRIPTION
Creates (or updates, when one with the same name exists) a single-tenant public client: SPA redirect URIs only, no
secret, no certificate, delegated Microsoft Graph permissions only (the least-privilege list of lib/auth/scopes.ts),
grants admin consent for the organisation, and prints what to enter in options or to put in managed configuration
(docs/DEPLOYING.md). Re-running it is safe. Run it as an admin who may create app registrations and grant
tenant-wide consent (Global Administrator, or Privileged Role Administrator + Application Administrator).

.PARAMETER TenantId
Your tenant (GUID or verified domain). Connect-MgGraph signs in to it.

.PARAMETER ExtensionId
Chromium/Edge extension id (default: this repository's build, fixed by the manifest key). Store builds get their own
id: see chrome://extensions or edge://extensions.

.PARAMETER FirefoxRedirectUri
Firefox's https://<hash>.extensions.allizom.org/ : shown on the options page in Firefox (browser.identity.getRedirectURL()).

.PARAMETER Environment
Microsoft Graph cloud for Connect-MgGraph: Global (default), USGov, USGovDoD, China.

.PARAMETER NoConsent
Skip the admin consent (send the printed link to a Global Administrator instead).

.PARAMETER NoAzure
No Azure resource roles: leave out Azure Service Management user_impersonation (set disableAzureRoles too).

.EXAMPLE
./scripts/register-app.ps1 -TenantId contoso.onmicrosoft.com
#>
[CmdletBinding()]
param(
  [Parameter(Mandatory = $true)][string] $TenantId,
  [string] $Name = 'PIM Companion',
  [string] $ExtensionId = 'fimhpbjaiihihdfclklanipldnjbddib',
  [string] $FirefoxRedirectUri,
  [ValidateSet('Global', 'USGov', 'USGovDoD', 'China')][string] $Environment = 'Global',
  [switch] $NoConsent,
  [switch] $NoAzure
)
$ErrorActionPreference = 'Stop'

# Keep in step with lib/auth/scopes.ts (GRAPH_PERMISSIONS + OIDC_SCOPES); a unit test checks both scripts against it.
$Scopes = @(
  'RoleEligibilitySchedule.ReadWrite.Directory',
  'RoleAssignmentSchedule.ReadWrite.Directory',
  'RoleManagementPolicy.Read.Directory',
  'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
  'RoleManagementPolicy.Read.AzureADGroup',
  'openid', 'profile', 'offline_access'
)
$GraphAppId = '00000003-0000-0000-c000-000000000000' # Microsoft Graph's well-known application id
# Azure Service Management (Azure Resource Manager): Azure resource roles; leave out with -NoAzure.
$ArmAppId = '797f4846-ba00-4fd7-ba43-dac1f8f63013'
$ArmScope = 'user_impersonation'

Connect-MgGraph -TenantId $TenantId -Environment $Environment -NoWelcome `
  -Scopes 'Application.ReadWrite.All', 'DelegatedPermissionGrant.ReadWrite.All'
$context = Get-MgContext
$graph = Get-MgServicePrincipal -Filter "appId eq '$GraphAppId'"

$access = foreach ($scope in $Scopes) {
  $permission = $graph.Oauth2PermissionScopes | Where-Object Value -eq $scope
  if (-not $permission) { throw "Microsoft Graph has no delegated permission $scope in this cloud." }
  @{ Id = $permission.Id; Type = 'Scope' }
}
$resources = @(@{ ResourceAppId = $GraphAppId; ResourceAccess = @($access) })
if (-not $NoAzure) {
  $arm = Get-MgServicePrincipal -Filter "appId eq '$ArmAppId'"
  $armPermission = $arm.Oauth2PermissionScopes | Where-Object Value -eq $ArmScope
  if (-not $armPermission) { throw "Azure Service Management has no delegated permission $ArmScope in this cloud." }
  $resources += @{ ResourceAppId = $ArmAppId; ResourceAccess = @(@{ Id = $armPermission.Id; Type = 'Scope' }) }
}
$redirects = @("https://$ExtensionId.chromiumapp.org/")
if ($FirefoxRedirectUri) { $redirects += $FirefoxRedirectUri }
$settings = @{
  Spa                    = @{ RedirectUris = $redirects }
  RequiredResourceAccess = $resources
}

$app = Get-MgApplication -Filter "displayName eq '$($Name -replace "'", "''")'" | Select-Object -First 1
if ($app) {
  Update-MgApplication -ApplicationId $app.Id @settings
  Write-Host "Updating the existing app registration ""$Name""."
} else {
  $app = New-MgApplication -DisplayName $Name -SignInAudience AzureADMyOrg @settings
  Write-Host "Created app registration ""$Name""."
}

$sp = Get-MgServicePrincipal -Filter "appId eq '$($app.AppId)'" | Select-Object -First 1
if (-not $sp) { $sp = New-MgServicePrincipal -AppId $app.AppId }

$loginHost = switch ($Environment) {
  'USGov' { 'https://login.microsoftonline.us' }
  'USGovDoD' { 'https://login.microsoftonline.us' }
  'China' { 'https://login.chinacloudapi.cn' }
  default { 'https://login.microsoftonline.com' }
}
$consentUrl = "$loginHost/$($context.TenantId)/adminconsent?client_id=$($app.AppId)"

if ($NoConsent) {
  Write-Host "Admin consent skipped: send this link to a Global Administrator: $consentUrl"
} else {
  # Tenant-wide consent for exactly these delegated scopes (what "Grant admin consent" in the portal does).
  $scopeText = $Scopes -join ' '
  $grant = Get-MgOauth2PermissionGrant -Filter "clientId eq '$($sp.Id)' and resourceId eq '$($graph.Id)' and consentType eq 'AllPrincipals'" | Select-Object -First 1
  if ($grant) {
    Update-MgOauth2PermissionGrant -OAuth2PermissionGrantId $grant.Id -Scope $scopeText
  } else {
    New-MgOauth2PermissionGrant -ClientId $sp.Id -ConsentType AllPrincipals -ResourceId $graph.Id -Scope $scopeText | Out-Null
  }
  if (-not $NoAzure) {
    $armGrant = Get-MgOauth2PermissionGrant -Filter "clientId eq '$($sp.Id)' and resourceId eq '$($arm.Id)' and consentType eq 'AllPrincipals'" | Select-Object -First 1
    if ($armGrant) {
      Update-MgOauth2PermissionGrant -OAuth2PermissionGrantId $armGrant.Id -Scope $ArmScope
    } else {
      New-MgOauth2PermissionGrant -ClientId $sp.Id -ConsentType AllPrincipals -ResourceId $arm.Id -Scope $ArmScope | Out-Null
    }
  }
  Write-Host 'Admin consent granted for the organisation.'
}

Write-Host @"

Done. Enter these on PIM Companion's options page:
  Tenant:                    $($context.TenantId)
  Application (client) ID:   $($app.AppId)
  Redirect URIs registered:  $($redirects -join ', ')
  Admin-consent link:        $consentUrl

Or deploy them as managed configuration (docs/DEPLOYING.md), e.g. the extension policy value:
  {"tenantId": "$($context.TenantId)", "clientId": "$($app.AppId)"}
"@
