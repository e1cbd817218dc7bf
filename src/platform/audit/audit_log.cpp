#include "platform/audit/audit_log.h"

#include <map>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/error.h"
#include "platform/auth/signing_key.h"

namespace maestro::audit {
namespace {

const std::string kGenesisHash(64, '0');

constexpr char kTables[] = R"sql(
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  ts BIGINT NOT NULL,
  actor TEXT NOT NULL,
  tenant_id TEXT,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id, seq);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE audit_checkpoints (
  seq BIGINT PRIMARY KEY,
  hash TEXT NOT NULL,
  ts BIGINT NOT NULL,
  kid TEXT NOT NULL,
  signature TEXT NOT NULL
);
)sql";

const std::string kSqliteMigration = std::string(kTables) + R"sql(
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
  BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
  BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
)sql";

const std::string kPostgresMigration = std::string(kTables) + R"sql(
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$fn$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_no_change BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
)sql";

void putField(crypto::Sha256& h, std::string_view field) {
  uint8_t len[8];
  uint64_t n = field.size();
  for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(n >> (8 * (7 - i)));
  h.update(std::span<const uint8_t>(len, 8));
  h.update(field);
}

std::string checkpointMessage(int64_t seq, const std::string& hash, int64_t ts) {
  return "maestro-audit-checkpoint-v1\n" + std::to_string(seq) + "\n" + hash + "\n" +
         std::to_string(ts);
}

AuditEntry entryFromRow(const store::Row& row) {
  AuditEntry e;
  e.seq = row.integer(0);
  e.ts_ms = row.integer(1);
  e.event.actor = row.text(2);
  e.event.tenant_id = row.optText(3);
  e.event.action = row.text(4);
  e.event.target = row.text(5);
  e.prev_hash = row.text(7);
  e.hash = row.text(8);
  return e;
}

constexpr char kSelectEntries[] =
    "SELECT seq, ts, actor, tenant_id, action, target, details, prev_hash, hash FROM audit_log";

}  // namespace

std::string entryHash(const std::string& prev_hash, int64_t seq, int64_t ts_ms,
                      const AuditEvent& event, const std::string& details_text) {
  crypto::Sha256 h;
  putField(h, "maestro-audit-v1");
  putField(h, prev_hash);
  putField(h, std::to_string(seq));
  putField(h, std::to_string(ts_ms));
  putField(h, event.actor);
  putField(h, event.tenant_id ? "t:" + *event.tenant_id : "-");
  putField(h, event.action);
  putField(h, event.target);
  putField(h, details_text);
  return hexEncode(h.finish());
}

AuditLog::AuditLog(const Clock& clock, const auth::SigningKey& signer, int64_t checkpoint_every)
    : clock_(clock), signer_(signer), checkpoint_every_(std::max<int64_t>(1, checkpoint_every)) {}

std::span<const store::Migration> AuditLog::migrations() {
  static const store::Migration kMigrations[] = {
      {1, "audit log", kSqliteMigration, kPostgresMigration},
  };
  return kMigrations;
}

int64_t AuditLog::append(store::Connection& tx, const AuditEvent& event) const {
  if (!tx.inTransaction()) throw Error::internal("audit append outside a transaction");
  // Taking the head first orders concurrent appenders (row lock on PostgreSQL).
  auto head = tx.queryOne("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash");
  if (!head) throw Error::internal("audit_head row is missing");
  int64_t seq = head->integer(0);
  std::string prev = head->text(1);
  int64_t ts = clock_.nowMillis();
  std::string details = event.details.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string hash = entryHash(prev, seq, ts, event, details);
  tx.execute(
      "INSERT INTO audit_log (seq, ts, actor, tenant_id, action, target, details, prev_hash, "
      "hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      {seq, ts, event.actor, event.tenant_id, event.action, event.target, details, prev, hash});
  tx.execute("UPDATE audit_head SET hash = $1 WHERE id = 1", {hash});
  if (seq % checkpoint_every_ == 0) signCheckpoint(tx, seq, hash);
  return seq;
}

void AuditLog::checkpoint(store::Connection& tx) const {
  auto head = tx.queryOne("SELECT seq, hash FROM audit_head WHERE id = 1");
  if (!head || head->integer(0) == 0) return;
  if (tx.queryOne("SELECT seq FROM audit_checkpoints WHERE seq = $1", {head->integer(0)})) return;
  signCheckpoint(tx, head->integer(0), head->text(1));
}

void AuditLog::signCheckpoint(store::Connection& tx, int64_t seq, const std::string& hash) const {
  int64_t ts = clock_.nowMillis();
  auto signature = signer_.sign(asBytes(checkpointMessage(seq, hash, ts)));
  tx.execute(
      "INSERT INTO audit_checkpoints (seq, hash, ts, kid, signature) VALUES ($1, $2, $3, $4, $5)",
      {seq, hash, ts, signer_.kid(), base64UrlEncode(signature)});
}

std::vector<AuditEntry> AuditLog::list(store::Connection& conn, const Filter& filter) const {
  int64_t limit = std::clamp<int64_t>(filter.limit, 1, 1000);
  std::vector<AuditEntry> out;
  auto collect = [&](const store::Row& row) {
    AuditEntry e = entryFromRow(row);
    e.event.details = parseJson(row.text(6), "audit details");
    out.push_back(std::move(e));
    return true;
  };
  if (filter.tenant_id) {
    conn.query(std::string(kSelectEntries) +
                   " WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
               {*filter.tenant_id, filter.after_seq, limit}, collect);
  } else {
    conn.query(std::string(kSelectEntries) + " WHERE seq > $1 ORDER BY seq LIMIT $2",
               {filter.after_seq, limit}, collect);
  }
  return out;
}

VerifyReport verifyLog(store::Connection& conn, const auth::KeyLookup& lookup) {
  VerifyReport report;
  auto fail = [&](int64_t seq, std::string problem) {
    if (report.first_bad_seq && *report.first_bad_seq <= seq) return;
    report.ok = false;
    report.first_bad_seq = seq;
    report.problem = std::move(problem);
  };

  struct Checkpoint {
    std::string hash, kid, signature;
    int64_t ts;
  };
  std::map<int64_t, Checkpoint> checkpoints;
  conn.query("SELECT seq, hash, ts, kid, signature FROM audit_checkpoints ORDER BY seq", {},
             [&](const store::Row& row) {
               checkpoints[row.integer(0)] = {row.text(1), row.text(3), row.text(4),
                                              row.integer(2)};
               return true;
             });

  int64_t expected_seq = 1;
  std::string expected_prev = kGenesisHash;
  std::map<int64_t, std::string> hash_at_checkpoint;
  bool chain_broken = false;
  conn.query(std::string(kSelectEntries) + " ORDER BY seq", {}, [&](const store::Row& row) {
    AuditEntry e = entryFromRow(row);
    ++report.entries;
    if (e.seq != expected_seq) {
      fail(expected_seq, "entry " + std::to_string(expected_seq) + " is missing (next entry is " +
                             std::to_string(e.seq) + ")");
      chain_broken = true;
      return false;
    }
    if (e.prev_hash != expected_prev) {
      fail(e.seq, "entry " + std::to_string(e.seq) +
                      " does not link to the entry before it (deleted, reordered or replaced)");
      chain_broken = true;
      return false;
    }
    if (entryHash(e.prev_hash, e.seq, e.ts_ms, e.event, row.text(6)) != e.hash) {
      fail(e.seq, "entry " + std::to_string(e.seq) + " was modified (its hash does not match)");
      chain_broken = true;
      return false;
    }
    if (checkpoints.count(e.seq)) hash_at_checkpoint[e.seq] = e.hash;
    expected_prev = e.hash;
    ++expected_seq;
    return true;
  });
  int64_t last_seq = expected_seq - 1;

  auto head = conn.queryOne("SELECT seq, hash FROM audit_head WHERE id = 1");
  if (!head) {
    fail(1, "the chain head row is missing");
  } else {
    report.head_seq = head->integer(0);
    if (!chain_broken && report.head_seq > last_seq) {
      fail(last_seq + 1, "entries after " + std::to_string(last_seq) +
                             " are missing (the chain head is at " +
                             std::to_string(report.head_seq) + ")");
    } else if (!chain_broken && (report.head_seq < last_seq || head->text(1) != expected_prev)) {
      fail(report.head_seq + 1, "the chain head does not match the last entry");
    }
  }

  for (const auto& [seq, cp] : checkpoints) {
    auto key = lookup(cp.kid);
    auto sig = base64UrlDecode(cp.signature);
    if (!key || !sig ||
        !key->verify(asBytes(checkpointMessage(seq, cp.hash, cp.ts)), *sig)) {
      fail(seq, "checkpoint at entry " + std::to_string(seq) +
                    " has no valid signature from a known key");
      continue;
    }
    if (!chain_broken && seq > last_seq) {
      fail(last_seq + 1, "entries after " + std::to_string(last_seq) +
                             " are missing (a signed checkpoint covers entry " +
                             std::to_string(seq) + ")");
    } else if (auto it = hash_at_checkpoint.find(seq);
               it != hash_at_checkpoint.end() && it->second != cp.hash) {
      fail(seq, "entry " + std::to_string(seq) + " differs from its signed checkpoint");
    } else {
      ++report.checkpoints;
    }
  }
  return report;
}

}  // namespace maestro::audit
