// Who is calling, and the ABAC check everything above the platform uses.
//
// A Principal comes from a verified token (or is the local operator of a
// CLI command with direct access to the data directory). `authorize` decides
// one request from three attributes — scope, tenant and purpose — and says
// why when it refuses. It is a pure function: callers audit the decision.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace maestro::auth {

struct Claims;

struct Principal {
  std::string subject;
  std::optional<std::string> tenant_id;  // absent for platform principals
  bool platform = false;
  std::set<std::string> scopes;
  std::optional<std::string> clearance;
  std::optional<std::string> purpose;
  std::string token_id;  // jti; empty for the local operator

  static Principal fromClaims(const Claims& claims);
  // The operator running a CLI command on the server's own data directory.
  static Principal localOperator();

  bool hasScope(const std::string& scope) const { return scopes.count(scope) > 0; }
  // The audit log's `actor` for this principal: "token:<jti> sub:<subject>" or "cli:<user>".
  std::string actor() const;
};

struct AccessRequest {
  std::string scope;                      // required scope, e.g. "admin.write"
  std::optional<std::string> tenant_id;   // owner of the object, if any
  std::vector<std::string> purposes = {}; // allowed purposes; empty: none needed
};

struct Decision {
  bool allowed = false;
  std::string reason;  // why not; empty when allowed
};

Decision authorize(const Principal& principal, const AccessRequest& request);
// Throws Error::forbidden with the reason when not allowed.
void require(const Principal& principal, const AccessRequest& request);

}  // namespace maestro::auth
