// Persisted operations: named, versioned Cypher queries that a tenant
// registers once and clients then run by id (`runOp(opId, vars)`), the
// production path of the API.
//
// An operation belongs to one dataset of one tenant; its id is unique
// within the tenant. Registering an id again with a different query or
// different flags or hints adds the next version (the old ones stay readable, so a
// change can be reviewed and rolled back); registering it again unchanged
// returns the latest version and changes nothing. A `sensitive` operation
// runs only for callers whose token carries one of its `purposes`.
//
// State lives in the control store; every new version writes its audit
// entry in the same transaction. Methods take the calling Principal and
// enforce ABAC themselves; another tenant's operation is reported as not
// found, exactly like one that does not exist. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "store/store.h"

namespace maestro {
class Clock;
}
namespace maestro::audit {
class AuditLog;
}
namespace maestro::auth {
struct Principal;
}
namespace maestro::tenancy {
struct Dataset;
}

namespace maestro::ops {

struct Operation {
  std::string tenant_id;
  std::string op_id;
  int64_t version = 0;
  std::string dataset_id;
  std::string query;
  std::string sha256;  // hex SHA-256 of the query text
  bool sensitive = false;
  std::vector<std::string> purposes;
  // Planner hints (`USING INDEX n:L(p)`, `USING SCAN n:L`, `USING JOIN ON
  // n`) applied at every run; the caller checked they compile with the query.
  std::string hints;
  int64_t created_at = 0;  // unix ms
  std::string created_by;  // Principal::actor()
};

struct NewOperation {
  std::string op_id;
  std::string query;
  bool sensitive = false;
  std::vector<std::string> purposes;
  std::string hints;
};

class OpsRegistry {
 public:
  OpsRegistry(store::Store& control, const audit::AuditLog& audit, const Clock& clock);

  static std::span<const store::Migration> migrations();

  // Needs `admin.write` on the dataset's tenant. The caller has checked
  // that the query compiles against the dataset. Returns the version now
  // current and whether it is new.
  std::pair<Operation, bool> registerOp(const auth::Principal& who,
                                        const tenancy::Dataset& dataset, const NewOperation& op);

  // Latest version of each operation of `tenant_id` (optionally of one
  // dataset), ordered by id. Needs `graph.read` on the tenant.
  std::vector<Operation> list(const auth::Principal& who, const std::string& tenant_id,
                              const std::optional<std::string>& dataset_id = std::nullopt);
  // Every version of one operation, oldest first.
  std::vector<Operation> versions(const auth::Principal& who, const std::string& tenant_id,
                                  const std::string& op_id);
  // One version (the latest when `version` is absent). Needs `graph.read`
  // on the tenant; Error::notFound when there is none.
  Operation get(const auth::Principal& who, const std::string& tenant_id,
                const std::string& op_id, std::optional<int64_t> version = std::nullopt);
  // The tenants that have an operation `op_id` (for platform principals,
  // who name an operation without a tenant). No authorization: ids only.
  std::vector<std::string> tenantsWith(const std::string& op_id);

 private:
  store::Store& control_;
  const audit::AuditLog& audit_;
  const Clock& clock_;
};

// Checks an operation id: 1-128 characters of A-Z, a-z, 0-9, '_', '.', '-'.
void validateOpId(const std::string& op_id);

}  // namespace maestro::ops
