#include "platform/auth/signing_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/clock.h"
#include "common/error.h"

namespace maestro::auth {
namespace {

namespace fs = std::filesystem;

std::string osError(const std::string& what, const fs::path& path) {
  return what + " " + path.string() + ": " + std::strerror(errno);
}

void writeNewFile0600(const fs::path& path, const std::string& content) {
  fs::path tmp = path;
  tmp += ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw Error::unavailable(osError("cannot create", tmp));
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      throw Error::unavailable(osError("cannot write", tmp));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) throw Error::unavailable(osError("cannot sync", tmp));
  // link() fails if another process created the key meanwhile; then use theirs.
  if (::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    ::unlink(tmp.c_str());
    throw Error::unavailable(osError("cannot install", path));
  }
  ::unlink(tmp.c_str());
}

std::string readPrivateFile(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw Error::unavailable(osError("cannot stat", path));
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%03o", st.st_mode & 0777);
    throw Error::unavailable("signing key " + path.string() + " has mode " + mode +
                             "; it must be readable by its owner only (chmod 600)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error::unavailable(osError("cannot read", path));
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

SigningKey::SigningKey(crypto::Ed25519PrivateKey key)
    : key_(std::move(key)), kid_(jwkThumbprint(key_.publicKey())) {}

SigningKey SigningKey::loadOrCreate(const fs::path& data_dir) {
  fs::path dir = data_dir / "keys";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error::unavailable("cannot create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  fs::path file = dir / "signing-key.pem";
  if (!fs::exists(file)) writeNewFile0600(file, crypto::Ed25519PrivateKey::generate().toPem());
  try {
    return SigningKey(crypto::Ed25519PrivateKey::fromPem(readPrivateFile(file)));
  } catch (const Error& e) {
    if (e.code() != Code::kBadInput) throw;
    throw Error::unavailable("signing key " + file.string() + " is not usable: " + e.message());
  }
}

std::string jwkThumbprint(const crypto::Ed25519PublicKey& key) {
  // RFC 7638 §3.2: required members in lexicographic order, no whitespace.
  std::string jwk = R"({"crv":"Ed25519","kty":"OKP","x":")" + base64UrlEncode(key.raw()) + "\"}";
  return base64UrlEncode(crypto::sha256(jwk));
}

KeyRing::KeyRing(store::Store& control, const Clock& clock) : control_(control), clock_(clock) {}

std::span<const store::Migration> KeyRing::migrations() {
  static const store::Migration kMigrations[] = {
      {1, "signing keys",
       "CREATE TABLE signing_keys (kid TEXT PRIMARY KEY, public_key TEXT NOT NULL, "
       "created_at BIGINT NOT NULL)"},
  };
  return kMigrations;
}

void KeyRing::registerKey(const SigningKey& key) {
  std::string pub = hexEncode(key.publicKey().raw());
  auto lease = control_.acquire();
  lease->execute(
      "INSERT INTO signing_keys (kid, public_key, created_at) VALUES ($1, $2, $3) "
      "ON CONFLICT (kid) DO NOTHING",
      {key.kid(), pub, clock_.nowMillis()});
  std::lock_guard lock(mutex_);
  keys_.insert_or_assign(key.kid(), key.publicKey());
}

void KeyRing::reload() {
  std::map<std::string, crypto::Ed25519PublicKey> fresh;
  auto lease = control_.acquire();
  lease->query("SELECT kid, public_key FROM signing_keys", {}, [&](const store::Row& row) {
    auto raw = hexDecode(row.text(1));
    if (raw) {
      try {
        fresh.insert_or_assign(row.text(0), crypto::Ed25519PublicKey::fromRaw(*raw));
      } catch (const Error&) {
        // A corrupt row cannot verify anything; leave it out.
      }
    }
    return true;
  });
  keys_ = std::move(fresh);
}

std::optional<crypto::Ed25519PublicKey> KeyRing::find(const std::string& kid) {
  std::lock_guard lock(mutex_);
  auto it = keys_.find(kid);
  if (it != keys_.end()) return it->second;
  int64_t now = clock_.nowMillis();
  if (now - last_reload_ms_ < 1000) return std::nullopt;
  last_reload_ms_ = now;
  reload();
  it = keys_.find(kid);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

}  // namespace maestro::auth
