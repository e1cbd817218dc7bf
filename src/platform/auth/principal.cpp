#include "platform/auth/principal.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>

#include "common/error.h"
#include "platform/auth/token.h"

namespace maestro::auth {

Principal Principal::fromClaims(const Claims& claims) {
  Principal p;
  p.subject = claims.subject;
  p.tenant_id = claims.tenant;
  p.platform = claims.platform;
  p.scopes = std::set<std::string>(claims.scopes.begin(), claims.scopes.end());
  p.clearance = claims.clearance;
  p.purpose = claims.purpose;
  p.token_id = claims.jti;
  return p;
}

Principal Principal::localOperator() {
  Principal p;
  const passwd* pw = ::getpwuid(::geteuid());
  p.subject = std::string("cli:") + (pw != nullptr ? pw->pw_name : std::to_string(::geteuid()));
  p.platform = true;
  const auto& all = knownScopes();
  p.scopes = std::set<std::string>(all.begin(), all.end());
  p.clearance = clearanceTiers().back();
  return p;
}

std::string Principal::actor() const {
  if (token_id.empty()) return subject;
  return "token:" + token_id + " sub:" + subject;
}

Decision authorize(const Principal& principal, const AccessRequest& request) {
  if (!principal.hasScope(request.scope)) {
    return {false, "missing scope '" + request.scope + "'"};
  }
  if (request.tenant_id && !principal.platform && principal.tenant_id != request.tenant_id) {
    return {false, "object belongs to another tenant"};
  }
  if (!request.purposes.empty()) {
    if (!principal.purpose) return {false, "a purpose is required for this operation"};
    if (std::find(request.purposes.begin(), request.purposes.end(), *principal.purpose) ==
        request.purposes.end()) {
      return {false, "purpose '" + *principal.purpose + "' is not allowed for this operation"};
    }
  }
  return {true, {}};
}

void require(const Principal& principal, const AccessRequest& request) {
  Decision d = authorize(principal, request);
  if (!d.allowed) throw Error::forbidden("forbidden: " + d.reason);
}

}  // namespace maestro::auth
