#!/usr/bin/env bash
# Registers PIM Companion in your Microsoft Entra tenant with the Azure CLI (az 2.50+), signed in with
# `az login --tenant <your tenant>` as an admin who may create app registrations and grant tenant-wide consent
# (Global Administrator, or Privileged Role Administrator + Application Administrator).
#
# Creates (or updates, when one with the same name exists) a single-tenant public client: SPA redirect URIs only,
# no secret, no certificate, delegated permissions only (the least-privilege Microsoft Graph list of lib/auth/scopes.ts,
# and Azure Service Management user_impersonation for Azure resource roles unless --no-azure), then grants admin consent for the organisation and prints what to enter in options or to put in
# managed configuration (docs/DEPLOYING.md). Re-running it is safe.
#
# Usage: scripts/register-app.sh [--name "PIM Companion"] [--extension-id ID] [--firefox-redirect-uri URL] [--no-consent]
#                                [--no-azure]
#   --extension-id          Chromium/Edge extension id (default: this repository's build, fixed by the manifest key).
#                           Store builds get their own id: see chrome://extensions or edge://extensions.
#   --firefox-redirect-uri  Firefox's https://<hash>.extensions.allizom.org/ : shown on the options page in Firefox
#                           (browser.identity.getRedirectURL()).
#   --no-consent            Skip the admin consent (e.g. your account may not grant it; send the printed link instead).
#   --no-azure              No Azure resource roles: leave out Azure Service Management (set disableAzureRoles too).
set -euo pipefail

NAME="PIM Companion"
EXTENSION_ID="fimhpbjaiihihdfclklanipldnjbddib"
FIREFOX_URI=""
CONSENT=1
AZURE=1
while [ $# -gt 0 ]; do
  case "$1" in
    --name) NAME="$2"; shift 2 ;;
    --extension-id) EXTENSION_ID="$2"; shift 2 ;;
    --firefox-redirect-uri) FIREFOX_URI="$2"; shift 2 ;;
    --no-consent) CONSENT=0; shift ;;
    --no-azure) AZURE=0; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "Unknown option $1 (see --help)." >&2; exit 2 ;;
  esac
done

# Keep in step with lib/auth/scopes.ts (GRAPH_PERMISSIONS + OIDC_SCOPES); a unit test checks both scripts against it.
SCOPES="RoleEligibilitySchedule.ReadWrite.Directory RoleAssignmentSchedule.ReadWrite.Directory RoleManagementPolicy.Read.Directory PrivilegedEligibilitySchedule.Read.AzureADGroup PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup RoleManagementPolicy.Read.AzureADGroup openid profile offline_access"
GRAPH_APP_ID="00000003-0000-0000-c000-000000000000" # Microsoft Graph's well-known application id
# Azure Service Management (Azure Resource Manager), well-known application id; its one delegated permission.
ARM_APP_ID="797f4846-ba00-4fd7-ba43-dac1f8f63013"
ARM_SCOPE="user_impersonation"

command -v az >/dev/null || { echo "The Azure CLI (az) is not installed: https://learn.microsoft.com/cli/azure/install-azure-cli" >&2; exit 1; }
TENANT_ID=$(az account show --query tenantId -o tsv 2>/dev/null) || { echo "Not signed in: run 'az login --tenant <your tenant>' first." >&2; exit 1; }
# The active cloud's Graph (https://graph.microsoft.com/, graph.microsoft.us, ...) and sign-in host.
GRAPH_URL=$(az cloud show --query endpoints.microsoftGraphResourceId -o tsv); GRAPH_URL="${GRAPH_URL%/}"
LOGIN_URL=$(az cloud show --query endpoints.activeDirectory -o tsv); LOGIN_URL="${LOGIN_URL%/}"

echo "Tenant $TENANT_ID, Graph $GRAPH_URL"
GRAPH_SP_ID=$(az ad sp show --id "$GRAPH_APP_ID" --query id -o tsv)

ACCESS=""
for scope in $SCOPES; do
  id=$(az ad sp show --id "$GRAPH_APP_ID" --query "oauth2PermissionScopes[?value=='$scope'].id | [0]" -o tsv)
  [ -n "$id" ] || { echo "Microsoft Graph has no delegated permission $scope in this cloud." >&2; exit 1; }
  ACCESS="$ACCESS${ACCESS:+,}{\"id\":\"$id\",\"type\":\"Scope\"}"
done

RESOURCES="{\"resourceAppId\":\"$GRAPH_APP_ID\",\"resourceAccess\":[$ACCESS]}"
if [ "$AZURE" = 1 ]; then
  ARM_SP_ID=$(az ad sp show --id "$ARM_APP_ID" --query id -o tsv)
  ARM_SCOPE_ID=$(az ad sp show --id "$ARM_APP_ID" --query "oauth2PermissionScopes[?value=='$ARM_SCOPE'].id | [0]" -o tsv)
  [ -n "$ARM_SCOPE_ID" ] || { echo "Azure Service Management has no delegated permission $ARM_SCOPE in this cloud." >&2; exit 1; }
  RESOURCES="$RESOURCES,{\"resourceAppId\":\"$ARM_APP_ID\",\"resourceAccess\":[{\"id\":\"$ARM_SCOPE_ID\",\"type\":\"Scope\"}]}"
fi

REDIRECTS="\"https://$EXTENSION_ID.chromiumapp.org/\""
[ -n "$FIREFOX_URI" ] && REDIRECTS="$REDIRECTS,\"$FIREFOX_URI\""

APP_OBJECT_ID=$(az ad app list --display-name "$NAME" --query "[0].id" -o tsv)
if [ -z "$APP_OBJECT_ID" ]; then
  APP_OBJECT_ID=$(az ad app create --display-name "$NAME" --sign-in-audience AzureADMyOrg --query id -o tsv)
  echo "Created app registration \"$NAME\"."
else
  echo "Updating the existing app registration \"$NAME\"."
fi
# SPA platform (PKCE, no secret): az has no flag for it, so the application is patched through Graph.
BODY="{\"spa\":{\"redirectUris\":[$REDIRECTS]},\"requiredResourceAccess\":[$RESOURCES]}"
az rest --method PATCH --url "$GRAPH_URL/v1.0/applications/$APP_OBJECT_ID" --headers "Content-Type=application/json" --body "$BODY" >/dev/null
APP_ID=$(az ad app show --id "$APP_OBJECT_ID" --query appId -o tsv)

SP_ID=$(az ad sp list --filter "appId eq '$APP_ID'" --query "[0].id" -o tsv)
[ -n "$SP_ID" ] || SP_ID=$(az ad sp create --id "$APP_ID" --query id -o tsv)

CONSENT_URL="$LOGIN_URL/$TENANT_ID/adminconsent?client_id=$APP_ID"
if [ "$CONSENT" = 1 ]; then
  # Tenant-wide consent for exactly these delegated scopes (what "Grant admin consent" in the portal does).
  GRANT_ID=$(az rest --method GET --url "$GRAPH_URL/v1.0/oauth2PermissionGrants?\$filter=clientId eq '$SP_ID' and resourceId eq '$GRAPH_SP_ID' and consentType eq 'AllPrincipals'" --query "value[0].id" -o tsv)
  if [ -n "$GRANT_ID" ]; then
    az rest --method PATCH --url "$GRAPH_URL/v1.0/oauth2PermissionGrants/$GRANT_ID" --headers "Content-Type=application/json" --body "{\"scope\":\"$SCOPES\"}" >/dev/null
  else
    az rest --method POST --url "$GRAPH_URL/v1.0/oauth2PermissionGrants" --headers "Content-Type=application/json" \
      --body "{\"clientId\":\"$SP_ID\",\"consentType\":\"AllPrincipals\",\"resourceId\":\"$GRAPH_SP_ID\",\"scope\":\"$SCOPES\"}" >/dev/null
  fi
  if [ "$AZURE" = 1 ]; then
    ARM_GRANT_ID=$(az rest --method GET --url "$GRAPH_URL/v1.0/oauth2PermissionGrants?\$filter=clientId eq '$SP_ID' and resourceId eq '$ARM_SP_ID' and consentType eq 'AllPrincipals'" --query "value[0].id" -o tsv)
    if [ -n "$ARM_GRANT_ID" ]; then
      az rest --method PATCH --url "$GRAPH_URL/v1.0/oauth2PermissionGrants/$ARM_GRANT_ID" --headers "Content-Type=application/json" --body "{\"scope\":\"$ARM_SCOPE\"}" >/dev/null
    else
      az rest --method POST --url "$GRAPH_URL/v1.0/oauth2PermissionGrants" --headers "Content-Type=application/json" \
        --body "{\"clientId\":\"$SP_ID\",\"consentType\":\"AllPrincipals\",\"resourceId\":\"$ARM_SP_ID\",\"scope\":\"$ARM_SCOPE\"}" >/dev/null
    fi
  fi
  echo "Admin consent granted for the organisation."
else
  echo "Admin consent skipped: send this link to a Global Administrator: $CONSENT_URL"
fi

cat <<EOF

Done. Enter these on PIM Companion's options page:
  Tenant:                    $TENANT_ID
  Application (client) ID:   $APP_ID
  Redirect URIs registered:  $(echo "$REDIRECTS" | tr -d '"')
  Admin-consent link:        $CONSENT_URL

Or deploy them as managed configuration (docs/DEPLOYING.md), e.g. the extension policy value:
  {"tenantId": "$TENANT_ID", "clientId": "$APP_ID"}
EOF
