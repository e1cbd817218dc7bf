#include "platform/ops/ops_registry.h"

#include <algorithm>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/encoding.h"
#include "common/error.h"
#include "common/json.h"
#include "platform/audit/audit_log.h"
#include "platform/auth/principal.h"
#include "platform/tenancy/tenancy.h"

namespace maestro::ops {
namespace {

constexpr size_t kMaxQueryBytes = 64 * 1024;
constexpr size_t kMaxPurposes = 16;
constexpr size_t kMaxHintBytes = 4 * 1024;

constexpr char kColumns[] =
    "SELECT tenant_id, op_id, version, dataset_id, query, sha256, sensitive, purposes, "
    "created_at, created_by, hints FROM persisted_ops";

Operation fromRow(const store::Row& row) {
  Operation op;
  op.tenant_id = row.text(0);
  op.op_id = row.text(1);
  op.version = row.integer(2);
  op.dataset_id = row.text(3);
  op.query = row.text(4);
  op.sha256 = row.text(5);
  op.sensitive = row.integer(6) != 0;
  for (const auto& p : parseJson(row.text(7), "operation purposes")) {
    op.purposes.push_back(p.get<std::string>());
  }
  op.created_at = row.integer(8);
  op.created_by = row.text(9);
  op.hints = row.text(10);
  return op;
}

void validatePurposes(const NewOperation& op) {
  if (op.purposes.size() > kMaxPurposes) {
    throw Error::badInput("purposes: at most 16, got " + std::to_string(op.purposes.size()),
                          "purposes");
  }
  for (const auto& p : op.purposes) {
    bool ok = !p.empty() && p.size() <= 64 && std::all_of(p.begin(), p.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    if (!ok) {
      throw Error::badInput("purposes: '" + p.substr(0, 80) +
                                "' is not a purpose (1-64 characters of a-z, 0-9, '_', '-')",
                            "purposes");
    }
  }
  if (op.sensitive && op.purposes.empty()) {
    throw Error::badInput(
        "purposes: a sensitive operation needs at least one allowed purpose, or nobody could run "
        "it",
        "purposes");
  }
}

// A tenant's objects are visible to its own principals and to platform ones.
void requireTenant(const auth::Principal& who, const std::string& scope,
                   const std::string& tenant_id) {
  auto decision = auth::authorize(who, {scope, tenant_id});
  if (decision.allowed) return;
  if (who.hasScope(scope)) throw Error::notFound("operation not found");
  throw Error::forbidden("forbidden: " + decision.reason);
}

}  // namespace

void validateOpId(const std::string& op_id) {
  bool ok = !op_id.empty() && op_id.size() <= 128 &&
            std::all_of(op_id.begin(), op_id.end(), [](char c) {
              return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '_' || c == '.' || c == '-';
            });
  if (!ok) {
    throw Error::badInput("opId: must be 1-128 characters of A-Z, a-z, 0-9, '_', '.', '-', got '" +
                              op_id.substr(0, 80) + "'",
                          "opId");
  }
}

OpsRegistry::OpsRegistry(store::Store& control, const audit::AuditLog& audit, const Clock& clock)
    : control_(control), audit_(audit), clock_(clock) {}

std::span<const store::Migration> OpsRegistry::migrations() {
  static const store::Migration kMigrations[] = {
      {1, "persisted operations", R"sql(
CREATE TABLE persisted_ops (
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  op_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  dataset_id TEXT NOT NULL REFERENCES datasets (id),
  query TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  sensitive INTEGER NOT NULL,
  purposes TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (tenant_id, op_id, version)
);
)sql"},
      {2, "planner hints per operation version", R"sql(
ALTER TABLE persisted_ops ADD COLUMN hints TEXT NOT NULL DEFAULT '';
)sql"},
  };
  return kMigrations;
}

std::pair<Operation, bool> OpsRegistry::registerOp(const auth::Principal& who,
                                                   const tenancy::Dataset& dataset,
                                                   const NewOperation& spec) {
  requireTenant(who, "admin.write", dataset.tenant_id);
  validateOpId(spec.op_id);
  if (spec.query.empty() || spec.query.size() > kMaxQueryBytes) {
    throw Error::badInput("query: must be 1 byte to 64 KiB long", "query");
  }
  validatePurposes(spec);
  if (spec.hints.size() > kMaxHintBytes) {
    throw Error::badInput("hints: at most 4 KiB", "hints");
  }
  std::vector<std::string> purposes = spec.purposes;
  std::sort(purposes.begin(), purposes.end());
  purposes.erase(std::unique(purposes.begin(), purposes.end()), purposes.end());

  auto lease = control_.acquire();
  store::Transaction tx(*lease, store::TxMode::kWrite);
  auto latest = lease->queryOne(std::string(kColumns) +
                                    " WHERE tenant_id = $1 AND op_id = $2 "
                                    "ORDER BY version DESC LIMIT 1",
                                {dataset.tenant_id, spec.op_id});
  Operation op;
  if (latest) {
    op = fromRow(*latest);
    if (op.dataset_id == dataset.id && op.query == spec.query && op.sensitive == spec.sensitive &&
        op.purposes == purposes && op.hints == spec.hints) {
      return {op, false};
    }
  }
  op.tenant_id = dataset.tenant_id;
  op.op_id = spec.op_id;
  op.version = latest ? op.version + 1 : 1;
  op.dataset_id = dataset.id;
  op.query = spec.query;
  op.sha256 = hexEncode(crypto::sha256(spec.query));
  op.sensitive = spec.sensitive;
  op.purposes = purposes;
  op.hints = spec.hints;
  op.created_at = clock_.nowMillis();
  op.created_by = who.actor();
  try {
    lease->execute(
        "INSERT INTO persisted_ops (tenant_id, op_id, version, dataset_id, query, sha256, "
        "sensitive, purposes, created_at, created_by, hints) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        {op.tenant_id, op.op_id, op.version, op.dataset_id, op.query, op.sha256, op.sensitive,
         Json(op.purposes).dump(), op.created_at, op.created_by, op.hints});
  } catch (const Error& e) {
    // Another process registered the same version first (PostgreSQL).
    if (e.code() == Code::kConflict) {
      throw Error::conflict("operation '" + op.op_id + "' changed meanwhile; register it again");
    }
    throw;
  }
  audit_.append(*lease, {who.actor(), op.tenant_id, "operation.register", op.op_id,
                         {{"version", op.version},
                          {"dataset_id", op.dataset_id},
                          {"sha256", op.sha256},
                          {"sensitive", op.sensitive},
                          {"purposes", op.purposes},
                          {"hints", op.hints}}});
  tx.commit();
  return {op, true};
}

std::vector<Operation> OpsRegistry::list(const auth::Principal& who, const std::string& tenant_id,
                                         const std::optional<std::string>& dataset_id) {
  requireTenant(who, "graph.read", tenant_id);
  std::string sql = std::string(kColumns) +
                    " p WHERE tenant_id = $1 AND version = (SELECT MAX(version) FROM "
                    "persisted_ops q WHERE q.tenant_id = p.tenant_id AND q.op_id = p.op_id)";
  store::Params params{tenant_id};
  if (dataset_id) {
    sql += " AND dataset_id = $2";
    params.emplace_back(*dataset_id);
  }
  sql += " ORDER BY op_id";
  std::vector<Operation> out;
  auto lease = control_.acquire();
  lease->query(sql, params, [&](const store::Row& row) {
    out.push_back(fromRow(row));
    return true;
  });
  return out;
}

std::vector<Operation> OpsRegistry::versions(const auth::Principal& who,
                                             const std::string& tenant_id,
                                             const std::string& op_id) {
  requireTenant(who, "graph.read", tenant_id);
  std::vector<Operation> out;
  auto lease = control_.acquire();
  lease->query(std::string(kColumns) + " WHERE tenant_id = $1 AND op_id = $2 ORDER BY version",
               {tenant_id, op_id}, [&](const store::Row& row) {
                 out.push_back(fromRow(row));
                 return true;
               });
  return out;
}

Operation OpsRegistry::get(const auth::Principal& who, const std::string& tenant_id,
                           const std::string& op_id, std::optional<int64_t> version) {
  requireTenant(who, "graph.read", tenant_id);
  auto lease = control_.acquire();
  auto row = version ? lease->queryOne(std::string(kColumns) +
                                           " WHERE tenant_id = $1 AND op_id = $2 AND version = $3",
                                       {tenant_id, op_id, *version})
                     : lease->queryOne(std::string(kColumns) +
                                           " WHERE tenant_id = $1 AND op_id = $2 "
                                           "ORDER BY version DESC LIMIT 1",
                                       {tenant_id, op_id});
  if (!row) throw Error::notFound("operation '" + op_id.substr(0, 128) + "' not found");
  return fromRow(*row);
}

std::vector<std::string> OpsRegistry::tenantsWith(const std::string& op_id) {
  std::vector<std::string> out;
  auto lease = control_.acquire();
  lease->query("SELECT DISTINCT tenant_id FROM persisted_ops WHERE op_id = $1 ORDER BY tenant_id",
               {op_id}, [&](const store::Row& row) {
                 out.push_back(row.text(0));
                 return true;
               });
  return out;
}

}  // namespace maestro::ops
