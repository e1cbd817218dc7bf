// The platform's append-only, hash-chained audit log.
//
// Every change of platform state appends one entry *in the same transaction
// as the change*, so a change and its record commit or vanish together.
// Entry n holds SHA-256(prev_hash, n, ts, actor, tenant, action, target,
// details) where prev_hash is entry n-1's hash (64 zeros for n = 1); editing,
// deleting or reordering any entry breaks the chain from that point on.
// Every `checkpoint_every` entries a checkpoint (seq, hash) is signed with
// the server's Ed25519 key, so cutting entries off the end is detected too.
// Database triggers refuse UPDATE and DELETE on the entries.
//
// Appends are serialised by the chain head row (`audit_head`), which the
// append updates first: on PostgreSQL its row lock orders concurrent
// appenders across processes, on SQLite the write transaction already does.
// Thread-safe; the caller owns the transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/json.h"
#include "platform/auth/token.h"
#include "store/store.h"

namespace maestro {
class Clock;
}
namespace maestro::auth {
class SigningKey;
}

namespace maestro::audit {

struct AuditEvent {
  std::string actor;                  // who: Principal::actor()
  std::optional<std::string> tenant_id;
  std::string action;                 // what: "tenant.create", "dataset.create", …
  std::string target;                 // on what: an id or name
  Json details = Json::object();      // never secrets
};

struct AuditEntry {
  int64_t seq = 0;
  int64_t ts_ms = 0;
  AuditEvent event;
  std::string prev_hash;
  std::string hash;
};

class AuditLog {
 public:
  // `signer` signs checkpoints; it must outlive the log.
  AuditLog(const Clock& clock, const auth::SigningKey& signer, int64_t checkpoint_every = 100);

  static std::span<const store::Migration> migrations();

  // Appends `event` inside the caller's write transaction on the control
  // store and returns its sequence number.
  int64_t append(store::Connection& tx, const AuditEvent& event) const;
  // Signs the current head (if it is not signed yet) inside `tx`.
  void checkpoint(store::Connection& tx) const;

  struct Filter {
    std::optional<std::string> tenant_id;
    int64_t after_seq = 0;
    int64_t limit = 100;
  };
  std::vector<AuditEntry> list(store::Connection& conn, const Filter& filter) const;

 private:
  void signCheckpoint(store::Connection& tx, int64_t seq, const std::string& hash) const;

  const Clock& clock_;
  const auth::SigningKey& signer_;
  int64_t checkpoint_every_;
};

struct VerifyReport {
  bool ok = true;
  int64_t entries = 0;
  int64_t checkpoints = 0;
  int64_t head_seq = 0;
  std::optional<int64_t> first_bad_seq;
  std::string problem;  // empty when ok
};

// Walks the whole chain in sequence order and checks every link, the head
// row and every signed checkpoint (signatures by the keys `lookup` knows).
// Reports the first sequence number at which the log stops being valid.
VerifyReport verifyLog(store::Connection& conn, const auth::KeyLookup& lookup);

// The hash of one entry, lower-case hex (exposed for tests and tooling).
std::string entryHash(const std::string& prev_hash, int64_t seq, int64_t ts_ms,
                      const AuditEvent& event, const std::string& details_text);

}  // namespace maestro::audit
