#include "tools/datagen.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/error.h"
#include "common/json.h"

namespace maestro::tools {
namespace {

// ---- randomness ------------------------------------------------------------

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Rng — xoshiro256** (Blackman & Vigna), one independent stream per part of
// the data. Integer-only, so identical on every platform.
class Rng {
 public:
  Rng(uint64_t seed, uint64_t stream) {
    uint64_t sm = seed ^ (stream * 0xD1B54A32D192ED03ull);
    for (auto& s : s_) s = splitmix64(sm);
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // In [0, 1), 53 random bits: exact.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // In [0, n) (Lemire's multiply-shift; the bias is below 2^-40 for our n).
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  int64_t between(int64_t lo, int64_t hi_exclusive) {
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi_exclusive - lo)));
  }
  bool chance(double p) { return uniform() < p; }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

std::vector<uint32_t> permutation(size_t n, Rng& rng) {
  std::vector<uint32_t> p(n);
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint32_t>(i);
  for (size_t i = n; i > 1; --i) std::swap(p[i - 1], p[rng.below(i)]);
  return p;
}

// Popularity — draws an item with Zipf-like weight 1/(rank + 1 + c), ranks
// shuffled over item indexes. `boost` multiplies the top rank's weight.
class Popularity {
 public:
  Popularity(size_t n, double c, double boost, Rng& shuffle)
      : cdf_(n), items_(permutation(n, shuffle)) {
    double total = 0;
    for (size_t r = 0; r < n; ++r) {
      double w = 1.0 / (static_cast<double>(r) + 1.0 + c);
      if (r == 0) w *= boost;
      total += w;
      cdf_[r] = total;
    }
  }
  uint32_t draw(Rng& rng) const {
    const double x = rng.uniform() * cdf_.back();
    size_t r = static_cast<size_t>(std::upper_bound(cdf_.begin(), cdf_.end(), x) - cdf_.begin());
    return items_[std::min(r, items_.size() - 1)];
  }
  uint32_t top() const { return items_[0]; }

 private:
  std::vector<double> cdf_;
  std::vector<uint32_t> items_;
};

// Exactly max(1, round(rate·n)) distinct indexes below n, as a mask.
std::vector<bool> rareSet(size_t n, double rate, Rng& rng) {
  size_t k = std::max<size_t>(1, static_cast<size_t>(std::llround(rate * static_cast<double>(n))));
  k = std::min(k, n);
  std::vector<bool> mask(n, false);
  for (size_t chosen = 0; chosen < k;) {
    size_t i = rng.below(n);
    if (!mask[i]) {
      mask[i] = true;
      ++chosen;
    }
  }
  return mask;
}

// ---- output ----------------------------------------------------------------

// CsvFile — an RFC 4180 writer with its own buffer. Owns the FILE*.
// Not thread-safe.
class CsvFile {
 public:
  CsvFile(const std::filesystem::path& path, std::string_view header, int64_t& rows_counter,
          const std::function<void()>& tick)
      : path_(path), rows_(rows_counter), tick_(tick) {
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) {
      throw Error::unavailable("cannot write " + path.string() + ": " +
                               std::generic_category().message(errno));
    }
    buf_.reserve(kFlushAt + 4096);
    buf_.append(header);
    buf_.push_back('\n');
  }
  ~CsvFile() {
    if (file_ != nullptr) std::fclose(file_);
  }
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;

  CsvFile& str(std::string_view s) {
    sep();
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
      buf_.append(s);
    } else {
      buf_.push_back('"');
      for (char c : s) {
        if (c == '"') buf_.push_back('"');
        buf_.push_back(c);
      }
      buf_.push_back('"');
    }
    return *this;
  }
  CsvFile& id(char prefix, uint64_t n) {
    sep();
    buf_.push_back(prefix);
    appendInt(static_cast<int64_t>(n));
    return *this;
  }
  CsvFile& num(int64_t v) {
    sep();
    appendInt(v);
    return *this;
  }
  CsvFile& real(double v) {
    sep();
    char tmp[32];
    auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
    buf_.append(tmp, r.ptr);
    return *this;
  }
  CsvFile& flag(bool v) {
    sep();
    buf_.append(v ? "true" : "false");
    return *this;
  }
  void endRow() {
    buf_.push_back('\n');
    first_ = true;
    ++rows_;
    if (buf_.size() >= kFlushAt) flush();
    if ((rows_ & 0x3fff) == 0 && tick_) tick_();
  }
  void close() {
    flush();
    const bool failed = std::ferror(file_) != 0;
    const int rc = std::fclose(file_);
    file_ = nullptr;
    if (failed || rc != 0) throw Error::unavailable("cannot write " + path_.string());
  }

 private:
  static constexpr size_t kFlushAt = 1 << 20;
  void sep() {
    if (!first_) buf_.push_back(',');
    first_ = false;
  }
  void appendInt(int64_t v) {
    char tmp[24];
    auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
    buf_.append(tmp, r.ptr);
  }
  void flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size()) {
      throw Error::unavailable("cannot write " + path_.string() + ": " +
                               std::generic_category().message(errno));
    }
    buf_.clear();
  }

  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  std::string buf_;
  bool first_ = true;
  int64_t& rows_;
  const std::function<void()>& tick_;
};

void writeText(const std::filesystem::path& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  bool ok = f != nullptr && std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (f != nullptr) ok = std::fclose(f) == 0 && ok;
  if (!ok) throw Error::unavailable("cannot write " + path.string());
}

// ---- vocabulary ------------------------------------------------------------

constexpr int64_t kTsStart = 1420070400;        // 2015-01-01
constexpr int64_t kTsEnd = 1735689600;          // 2025-01-01
constexpr int64_t kTransferStart = 1514764800;  // 2018-01-01
constexpr int64_t kDay = 86400;

constexpr std::array kCountries = {"US", "GB", "DE", "FR", "NL", "ES", "IT", "PL", "SE", "NO",
                                   "DK", "FI", "IE", "PT", "AT", "CH", "BE", "CZ", "HU", "RO",
                                   "GR", "TR", "UA", "CY", "MT", "LU", "EE", "LV", "LT", "IS"};
constexpr std::array kFirstNames = {
    "James",   "Mary",   "John",   "Patricia", "Robert", "Jennifer", "Michael", "Linda",  "David",
    "Barbara", "Elena",  "Omar",   "Wei",      "Aisha",  "Lukas",    "Sofia",   "Mateo",  "Yuki",
    "Ivan",    "Fatima", "Noah",   "Emma",     "Liam",   "Olivia",   "Arjun",   "Priya",  "Hugo",
    "Chloe",   "Tomas",  "Ingrid", "Kofi",     "Amara",  "Diego",    "Lucia",   "Pavel",  "Nadia",
    "Samir",   "Leila",  "Jonas",  "Freya",    "Marco",  "Giulia",   "Andrei",  "Irina",  "Kenji",
    "Hana",    "Tariq",  "Zara",   "Felix",    "Maja",   "Oskar",    "Alma",    "Rafael", "Ines",
    "Emil",    "Vera",   "Anton",  "Lina",     "Boris",  "Greta"};
constexpr std::array kLastNames = {
    "Smith",    "Johnson",      "Williams", "Brown",     "Jones",    "Garcia",   "Miller",
    "Davis",    "Rodriguez",    "Martinez", "Müller",    "Schmidt",  "Rossi",    "Dubois",
    "Kowalski", "Novak",        "Ivanova",  "Nguyen",    "Kim",      "Chen",     "Singh",
    "Khan",     "Haddad",       "Okafor",   "Mensah",    "Silva",    "Santos",   "Ferreira",
    "Jensen",   "Hansen",       "Nielsen",  "Berg",      "Lind",     "Virtanen", "Horvat",
    "Popescu",  "Papadopoulos", "Yilmaz",   "Kovalenko", "Borg",     "Weber",    "Wagner",
    "Becker",   "Hoffmann",     "Moreau",   "Laurent",   "Bernard",  "Costa",    "Greco",
    "Ricci",    "Bianchi",      "Romano",   "Keller",    "Fischer",  "Vogel",    "Meyer",
    "Baker",    "Clark",        "Lewis",    "Walker",    "Hall",     "Allen",    "Young",
    "King",     "Wright",       "Scott",    "Green",     "Adams",    "Nelson",   "Hill",
    "Campbell", "Mitchell",     "Roberts",  "Carter",    "Phillips", "Evans",    "Turner",
    "Torres",   "Parker",       "Collins"};
constexpr std::array kPlacePrefixes = {
    "North", "South", "East", "West",  "New",    "Old",    "Port",  "Lake", "Fort",  "Glen",
    "Ash",   "Oak",   "Elm",  "Stone", "Iron",   "Silver", "Gold",  "Red",  "Black", "White",
    "Green", "Fair",  "High", "Low",   "Bright", "Clear",  "Deep",  "Long", "Mill",  "Bridge",
    "Hart",  "Wolf",  "Bear", "Raven", "Swan",   "Rose",   "Thorn", "Wind", "Sun",   "Moon"};
constexpr std::array kPlaceSuffixes = {
    "ton",  "ville", "burg",   "field",   "ford",   "haven",  "port", "mouth", "wick",  "stead",
    "bury", "dale",  "wood",   "brook",   "bridge", "gate",   "hill", "moor",  "water", "cliff",
    "holm", "by",    "thorpe", "minster", "march",  "crest",  "view", "reach", "fell",  "marsh",
    "land", "shire", "keep",   "hollow",  "ridge",  "vale",   "bay",  "point", "cross", "well",
    "stow", "ham",   "worth",  "ley",     "combe",  "caster", "ness", "sted",  "garth", "more"};
constexpr std::array kOrgWords = {
    "Acme",      "Northwind", "Globex",   "Initech", "Umbrella", "Stark",    "Wayne",  "Tyrell",
    "Cyberdyne", "Soylent",   "Vandelay", "Hooli",   "Massive",  "Aperture", "Oscorp", "Wonka",
    "Gringotts", "Monarch",   "Sirius",   "Atlas",   "Zenith",   "Apex",     "Nimbus", "Vertex",
    "Quantum",   "Horizon",   "Pioneer",  "Summit",  "Meridian", "Crescent", "Harbor", "Beacon"};
struct OrgKind {
  const char* kind;
  const char* suffix;
  double share;
};
constexpr std::array kOrgKinds = {OrgKind{"bank", "Bank", 0.15},
                                  OrgKind{"ngo", "Foundation", 0.10},
                                  OrgKind{"shell", "Holdings", 0.10},
                                  OrgKind{"logistics", "Logistics", 0.20},
                                  OrgKind{"manufacturer", "Industries", 0.20},
                                  OrgKind{"retail", "Retail", 0.15},
                                  OrgKind{"media", "Media", 0.10}};
constexpr std::array kRoles = {"analyst", "engineer",   "manager",    "director", "clerk",
                               "driver",  "accountant", "consultant", "officer",  "intern"};
constexpr std::array kEventKinds = {"meeting", "conference",      "protest", "incident",
                                    "raid",    "border_crossing", "auction", "summit"};
constexpr std::array kTopics = {"shipping routes",    "procurement",     "shell companies",
                                "wire transfers",     "border activity", "sanctions evasion",
                                "port logistics",     "board changes",   "cyber intrusion",
                                "market manipulation"};

std::string placeName(size_t i) {
  const size_t p = kPlacePrefixes.size(), s = kPlaceSuffixes.size();
  std::string name = std::string(kPlacePrefixes[i % p]) + kPlaceSuffixes[(i / p) % s];
  if (i >= p * s) name += " " + std::to_string(i / (p * s) + 1);
  return name;
}

std::string ageBand(int64_t age) {
  if (age < 25) return "18-24";
  if (age < 35) return "25-34";
  if (age < 45) return "35-44";
  if (age < 55) return "45-54";
  if (age < 65) return "55-64";
  return "65+";
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string digits(Rng& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + rng.below(10)));
  return s;
}

// Rounds to `places` decimals with exact operations (floor, *, /).
double roundTo(double v, double scale) { return std::floor(v * scale + 0.5) / scale; }

int64_t scaled(double base, double scale, int64_t minimum) {
  return std::max<int64_t>(minimum, std::llround(base * scale));
}

template <typename T>
size_t argMax(const std::vector<T>& v) {
  return static_cast<size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}
// The first index whose value is exactly `want`, else the smallest positive.
template <typename T>
size_t firstWith(const std::vector<T>& v, T want, size_t skip = SIZE_MAX) {
  size_t best = SIZE_MAX;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i == skip || v[i] <= 0) continue;
    if (v[i] == want) return i;
    if (best == SIZE_MAX || v[i] < v[best]) best = i;
  }
  return best == SIZE_MAX ? 0 : best;
}

// Random streams, one per part of the data.
enum Stream : uint64_t {
  kLocStream = 1,
  kOrgStream,
  kPersonStream,
  kEventStream,
  kDocStream,
  kAccountStream,
  kKnowsStream,
  kWorksStream,
  kAttendStream,
  kMentionStream,
  kHoldStream,
  kTransferStream,
  kShuffleStream,
};

Json paramCase(std::string name, Json params) {
  return Json{{"case", std::move(name)}, {"params", std::move(params)}};
}

std::string pid(size_t i) { return "p" + std::to_string(i); }
std::string oid(size_t i) { return "o" + std::to_string(i); }
std::string lid(size_t i) { return "l" + std::to_string(i); }
std::string eid(size_t i) { return "e" + std::to_string(i); }
std::string aid(size_t i) { return "a" + std::to_string(i); }

}  // namespace

GenSummary generate(const GenOptions& options, const GenProgress& progress) {
  if (!(options.scale > 0) || options.scale > 1000) {
    throw Error::badInput("--scale must be greater than 0 and at most 1000", "scale");
  }
  if (options.out.empty()) throw Error::badInput("--out is required", "out");
  std::error_code ec;
  std::filesystem::create_directories(options.out, ec);
  if (ec) {
    throw Error::unavailable("cannot create " + options.out.string() + ": " + ec.message());
  }

  const double S = options.scale;
  const uint64_t seed = options.seed;
  const size_t nPerson = static_cast<size_t>(scaled(100000, S, 20));
  const size_t nOrg = static_cast<size_t>(scaled(5000, S, 10));
  const size_t nLoc = static_cast<size_t>(scaled(2000, S, 5));
  const size_t nEvent = static_cast<size_t>(scaled(10000, S, 10));
  const size_t nDoc = static_cast<size_t>(scaled(40000, S, 10));
  const size_t nAccount = static_cast<size_t>(scaled(60000, S, 20));
  const int64_t nKnows = scaled(270000, S, 40);
  const int64_t nAttend = scaled(90000, S, 20);
  const int64_t nMention = scaled(190000, S, 30);
  const int64_t nTransfer = scaled(200000, S, 40);

  const int64_t planned = static_cast<int64_t>(nPerson + nOrg + nLoc + nEvent + nDoc + nAccount) +
                          nKnows + nKnows / 100 + static_cast<int64_t>(nPerson) * 8 / 10 +
                          static_cast<int64_t>(nPerson + nOrg + nEvent) + nAttend + nMention +
                          static_cast<int64_t>(nAccount) + nTransfer;
  int64_t rows = 0;
  std::function<void()> tick = [&] {
    if (progress) progress(rows, std::max(rows, planned));
  };
  const auto& dir = options.out;
  GenSummary summary;

  Rng shuffle(seed, kShuffleStream);
  // Country popularity: the first code holds 60%, the rest Zipf-like.
  auto drawCountry = [](Rng& rng) -> size_t {
    if (rng.chance(0.6)) return 0;
    // 1/(r+1) over the remaining 29 codes, by inverse CDF on exact sums.
    static const std::vector<double> cdf = [] {
      std::vector<double> c;
      double t = 0;
      for (size_t r = 0; r + 1 < kCountries.size(); ++r) c.push_back(t += 1.0 / (double(r) + 1));
      return c;
    }();
    double x = rng.uniform() * cdf.back();
    size_t r = static_cast<size_t>(std::upper_bound(cdf.begin(), cdf.end(), x) - cdf.begin());
    return 1 + std::min(r, cdf.size() - 1);
  };
  auto drawTenant = [](Rng& rng) -> std::string {
    if (rng.chance(0.8)) return "t1";
    return "t" + std::to_string(2 + rng.below(4));
  };

  // ---- Location ----
  std::vector<uint8_t> locCountry(nLoc);
  std::vector<int32_t> locPersons(nLoc, 0), locEvents(nLoc, 0);
  CsvFile locatedIn(dir / "rels_located_in.csv", ":START_ID,:END_ID,:TYPE", rows, tick);
  {
    Rng rng(seed, kLocStream);
    CsvFile f(dir / "nodes_location.csv", ":ID,:LABEL,tenant,name,city,country,lat:float,lon:float",
              rows, tick);
    for (size_t i = 0; i < nLoc; ++i) {
      locCountry[i] = static_cast<uint8_t>(drawCountry(rng));
      std::string name = placeName(i);
      f.id('l', i).str("Location").str(drawTenant(rng)).str(name).str(name);
      f.str(kCountries[locCountry[i]]);
      f.real(roundTo(-60 + 130 * rng.uniform(), 1e5))
          .real(roundTo(-180 + 360 * rng.uniform(), 1e5));
      f.endRow();
    }
    f.close();
  }
  Popularity locPop(nLoc, 0, 1, shuffle);

  // ---- Organization ----
  std::vector<uint8_t> orgKind(nOrg);
  std::vector<std::string> orgName(nOrg);
  std::vector<bool> sanctioned;
  std::vector<uint32_t> banks;
  {
    Rng rng(seed, kOrgStream);
    sanctioned = rareSet(nOrg, 0.0008, rng);
    CsvFile f(dir / "nodes_organization.csv", ":ID,:LABEL,tenant,name,kind,country,sanctioned:bool",
              rows, tick);
    for (size_t i = 0; i < nOrg; ++i) {
      size_t k = 0;
      double x = rng.uniform(), acc = 0;
      for (k = 0; k + 1 < kOrgKinds.size(); ++k) {
        acc += kOrgKinds[k].share;
        if (x < acc) break;
      }
      if (i == 0) k = 0;  // there is always a bank for accounts to name
      orgKind[i] = static_cast<uint8_t>(k);
      if (k == 0) banks.push_back(static_cast<uint32_t>(i));
      const size_t w = kOrgWords.size();
      orgName[i] = std::string(kOrgWords[i % w]) + " " + kOrgKinds[k].suffix;
      if (i >= w) orgName[i] += " " + std::to_string(i / w);
      const size_t country = drawCountry(rng);
      f.id('o', i).str("Organization").str(drawTenant(rng)).str(orgName[i]);
      f.str(kOrgKinds[k].kind).str(kCountries[country]).flag(sanctioned[i]).endRow();
      locatedIn.id('o', i).id('l', locPop.draw(rng)).str("LOCATED_IN").endRow();
    }
    f.close();
  }
  Popularity orgPop(nOrg, 0, 1, shuffle);

  // ---- Person ----
  Popularity firstPop(kFirstNames.size(), 0, 1, shuffle);
  Popularity lastPop(kLastNames.size(), 0, 1, shuffle);
  std::vector<uint32_t> personName(nPerson);  // first * 1000 + last
  std::vector<uint8_t> nationality(nPerson);
  std::vector<bool> risky;
  {
    Rng rng(seed, kPersonStream);
    risky = rareSet(nPerson, 0.0008, rng);
    CsvFile f(dir / "nodes_person.csv",
              ":ID,:LABEL,tenant,name,age:int,age_band,city,nationality,risk_score:float,"
              "ssn@high,email@medium",
              rows, tick);
    for (size_t i = 0; i < nPerson; ++i) {
      const uint32_t first = firstPop.draw(rng), last = lastPop.draw(rng);
      personName[i] = first * 1000 + last;
      const double u = rng.uniform();
      const int64_t age = 18 + static_cast<int64_t>(72 * u * u);
      const size_t loc = locPop.draw(rng);
      ++locPersons[loc];
      nationality[i] = static_cast<uint8_t>(drawCountry(rng));
      const double r = rng.uniform();
      const double risk = risky[i] ? roundTo(0.9501 + 0.0499 * r, 1e4) : roundTo(0.95 * r * r, 1e4);
      std::string ssn = digits(rng, 3) + "-" + digits(rng, 2) + "-" + digits(rng, 4);
      f.id('p', i).str("Person").str(drawTenant(rng));
      f.str(std::string(kFirstNames[first]) + " " + kLastNames[last]).num(age).str(ageBand(age));
      f.str(placeName(loc)).str(kCountries[nationality[i]]).real(risk).str(ssn);
      f.str(lower(kFirstNames[first]) + "." + lower(kLastNames[last]) + "." + std::to_string(i) +
            "@example.org");
      f.endRow();
      locatedIn.id('p', i).id('l', loc).str("LOCATED_IN").endRow();
    }
    f.close();
  }

  // ---- Event ----
  std::vector<int64_t> eventTs(nEvent);
  std::vector<uint32_t> eventLoc(nEvent);
  {
    Rng rng(seed, kEventStream);
    CsvFile f(dir / "nodes_event.csv", ":ID,:LABEL,tenant,kind,ts:int,severity:int", rows, tick);
    for (size_t i = 0; i < nEvent; ++i) {
      const double s = rng.uniform();
      const int64_t severity = s < 0.50 ? 1 : s < 0.75 ? 2 : s < 0.88 ? 3 : s < 0.96 ? 4 : 5;
      eventTs[i] = rng.between(kTsStart, kTsEnd);
      eventLoc[i] = locPop.draw(rng);
      ++locEvents[eventLoc[i]];
      f.id('e', i)
          .str("Event")
          .str(drawTenant(rng))
          .str(kEventKinds[rng.below(kEventKinds.size())]);
      f.num(eventTs[i]).num(severity).endRow();
      locatedIn.id('e', i).id('l', eventLoc[i]).str("LOCATED_IN").endRow();
    }
    f.close();
  }
  locatedIn.close();

  // ---- Document ----
  {
    Rng rng(seed, kDocStream);
    CsvFile f(dir / "nodes_document.csv", ":ID,:LABEL,tenant,title,classification,published_ts:int",
              rows, tick);
    for (size_t i = 0; i < nDoc; ++i) {
      const double c = rng.uniform();
      const char* cls = c < 0.70 ? "UNCLASSIFIED" : c < 0.95 ? "CONFIDENTIAL" : "SECRET";
      f.id('d', i).str("Document").str(drawTenant(rng));
      f.str("Report " + std::to_string(i) + ": " + kTopics[rng.below(kTopics.size())]);
      f.str(cls).num(rng.between(kTsStart, kTsEnd)).endRow();
    }
    f.close();
  }

  // ---- Account ----
  std::vector<bool> flagged;
  {
    Rng rng(seed, kAccountStream);
    flagged = rareSet(nAccount, 0.0008, rng);
    CsvFile f(dir / "nodes_account.csv",
              ":ID,:LABEL,tenant,bank,iban@high,opened_ts:int,flagged:bool", rows, tick);
    for (size_t i = 0; i < nAccount; ++i) {
      const uint32_t bank = banks[rng.below(banks.size())];
      std::string iban =
          std::string(kCountries[drawCountry(rng)]) + digits(rng, 2) + digits(rng, 16);
      f.id('a', i).str("Account").str(drawTenant(rng)).str(orgName[bank]).str(iban);
      f.num(rng.between(kTsStart - 10 * 365 * kDay, kTsEnd)).flag(flagged[i]).endRow();
    }
    f.close();
  }

  // ---- KNOWS ----
  std::vector<int32_t> knowsDegree(nPerson, 0);
  {
    Rng rng(seed, kKnowsStream);
    Popularity pop(nPerson, 50, 1, shuffle);
    CsvFile f(dir / "rels_knows.csv", ":START_ID,:END_ID,:TYPE,since:int", rows, tick);
    std::vector<std::pair<uint32_t, uint32_t>> edges;
    edges.reserve(static_cast<size_t>(nKnows));
    auto write = [&](uint32_t a, uint32_t b) {
      f.id('p', a).id('p', b).str("KNOWS").num(rng.between(1990, 2025)).endRow();
      ++knowsDegree[a];
      ++knowsDegree[b];
    };
    for (int64_t k = 0; k < nKnows; ++k) {
      uint32_t a = pop.draw(rng), b = pop.draw(rng);
      while (b == a) b = pop.draw(rng);
      edges.emplace_back(a, b);
      write(a, b);
      // About 1% of pairs recur (sometimes reversed), as in real data.
      if (rng.chance(0.01)) {
        auto [x, y] = edges[rng.below(edges.size())];
        if (rng.chance(0.5)) std::swap(x, y);
        write(x, y);
        ++summary.knows_duplicate_pairs;
      }
    }
    f.close();
    summary.relationships["KNOWS"] =
        static_cast<int64_t>(edges.size()) + summary.knows_duplicate_pairs;
  }

  // ---- WORKS_AT ----
  std::vector<int32_t> employer(nPerson, -1);
  std::vector<int32_t> orgEmployees(nOrg, 0);
  {
    Rng rng(seed, kWorksStream);
    CsvFile f(dir / "rels_works_at.csv", ":START_ID,:END_ID,:TYPE,role,since:int", rows, tick);
    int64_t n = 0;
    for (size_t i = 0; i < nPerson; ++i) {
      if (!rng.chance(0.8)) continue;
      const uint32_t o = orgPop.draw(rng);
      employer[i] = static_cast<int32_t>(o);
      ++orgEmployees[o];
      f.id('p', i).id('o', o).str("WORKS_AT").str(kRoles[rng.below(kRoles.size())]);
      f.num(rng.between(1995, 2025)).endRow();
      ++n;
    }
    f.close();
    summary.relationships["WORKS_AT"] = n;
  }
  summary.relationships["LOCATED_IN"] = static_cast<int64_t>(nPerson + nOrg + nEvent);

  // ---- ATTENDED ----
  std::vector<int32_t> eventAttendees(nEvent, 0);
  std::vector<std::pair<uint32_t, uint32_t>> attended;
  {
    Rng rng(seed, kAttendStream);
    Popularity personPop(nPerson, 20, 1, shuffle);
    Popularity eventPop(nEvent, 0, 1, shuffle);
    CsvFile f(dir / "rels_attended.csv", ":START_ID,:END_ID,:TYPE", rows, tick);
    std::unordered_set<uint64_t> seen;
    for (int64_t k = 0, attempts = 0; k < nAttend && attempts < 4 * nAttend; ++attempts) {
      const uint32_t p = personPop.draw(rng), e = eventPop.draw(rng);
      if (!seen.insert(uint64_t{p} << 32 | e).second) continue;
      attended.emplace_back(p, e);
      ++eventAttendees[e];
      f.id('p', p).id('e', e).str("ATTENDED").endRow();
      ++k;
    }
    f.close();
    summary.relationships["ATTENDED"] = static_cast<int64_t>(attended.size());
  }

  // ---- MENTIONS ----
  std::vector<int32_t> personMentions(nPerson, 0), orgMentions(nOrg, 0);
  std::vector<int32_t> docFirstOrg(nDoc, -1);
  std::vector<std::pair<uint32_t, uint32_t>> personMentionEdges;  // (doc, person)
  {
    Rng rng(seed, kMentionStream);
    Popularity docPop(nDoc, 20, 1, shuffle);
    Popularity personPop(nPerson, 0, 3, shuffle);
    Popularity orgTargetPop(nOrg, 0, 1, shuffle);
    Popularity locTargetPop(nLoc, 0, 1, shuffle);
    CsvFile f(dir / "rels_mentions.csv", ":START_ID,:END_ID,:TYPE", rows, tick);
    std::unordered_set<uint64_t> seen;
    int64_t n = 0;
    for (int64_t attempts = 0; n < nMention && attempts < 4 * nMention; ++attempts) {
      const uint32_t d = docPop.draw(rng);
      const double kind = rng.uniform();
      const uint32_t kindTag = kind < 0.7 ? 0 : kind < 0.9 ? 1 : 2;
      const uint32_t t = kindTag == 0   ? personPop.draw(rng)
                         : kindTag == 1 ? orgTargetPop.draw(rng)
                                        : locTargetPop.draw(rng);
      if (!seen.insert(uint64_t{d} << 32 | uint64_t{kindTag} << 30 | t).second) continue;
      f.id('d', d);
      if (kindTag == 0) {
        f.id('p', t);
        ++personMentions[t];
        personMentionEdges.emplace_back(d, t);
      } else if (kindTag == 1) {
        f.id('o', t);
        ++orgMentions[t];
        if (docFirstOrg[d] < 0) docFirstOrg[d] = static_cast<int32_t>(t);
      } else {
        f.id('l', t);
      }
      f.str("MENTIONS").endRow();
      ++n;
    }
    f.close();
    summary.relationships["MENTIONS"] = n;
  }

  // ---- HOLDS ----
  std::vector<int32_t> sanctionedAccounts;
  {
    Rng rng(seed, kHoldStream);
    Popularity personPop(nPerson, 100, 1, shuffle);
    CsvFile f(dir / "rels_holds.csv", ":START_ID,:END_ID,:TYPE", rows, tick);
    std::vector<int32_t> orgHolder(nAccount, -1);
    // Each sanctioned organization holds two accounts, so q18 has answers.
    for (size_t o = 0; o < nOrg; ++o) {
      if (!sanctioned[o]) continue;
      for (int j = 0; j < 2; ++j) {
        size_t a = rng.below(nAccount);
        while (orgHolder[a] >= 0) a = rng.below(nAccount);
        orgHolder[a] = static_cast<int32_t>(o);
        sanctionedAccounts.push_back(static_cast<int32_t>(a));
      }
    }
    for (size_t a = 0; a < nAccount; ++a) {
      if (orgHolder[a] < 0 && rng.chance(0.15))
        orgHolder[a] = static_cast<int32_t>(orgPop.draw(rng));
      if (orgHolder[a] >= 0) {
        f.id('o', static_cast<uint64_t>(orgHolder[a]));
      } else {
        f.id('p', personPop.draw(rng));
      }
      f.id('a', a).str("HOLDS").endRow();
    }
    f.close();
    summary.relationships["HOLDS"] = static_cast<int64_t>(nAccount);
  }

  // ---- TRANSFERRED_TO ----
  std::vector<int32_t> transferIn(nAccount, 0);
  {
    Rng rng(seed, kTransferStream);
    Popularity srcPop(nAccount, 10, 1, shuffle);
    Popularity dstPop(nAccount, 0, 1, shuffle);
    CsvFile f(dir / "rels_transferred_to.csv", ":START_ID,:END_ID,:TYPE,amount:float,ts:int", rows,
              tick);
    auto write = [&](uint32_t a, uint32_t b, double amount, int64_t ts) {
      f.id('a', a).id('a', b).str("TRANSFERRED_TO").real(amount).num(ts).endRow();
      ++transferIn[b];
    };
    auto amountOf = [&] { return roundTo(50 / (rng.uniform() + 0.005), 100); };
    int64_t n = 0;
    for (; n < nTransfer; ++n) {
      const uint32_t a = srcPop.draw(rng);
      uint32_t b = dstPop.draw(rng);
      while (b == a) b = dstPop.draw(rng);
      write(a, b, amountOf(), rng.between(kTransferStart, kTsEnd));
    }
    // Layering chains a → m → flagged: the second hop within hours, of
    // 90–99% of the first amount.
    for (size_t b = 0; b < nAccount; ++b) {
      if (!flagged[b]) continue;
      for (int j = 0; j < 3; ++j) {
        uint32_t a = static_cast<uint32_t>(rng.below(nAccount));
        uint32_t m = static_cast<uint32_t>(rng.below(nAccount));
        if (a == m || m == b || a == b) continue;
        const double x = amountOf();
        const int64_t ts = rng.between(kTransferStart, kTsEnd - kDay);
        write(a, m, x, ts);
        write(m, static_cast<uint32_t>(b), roundTo(x * (0.9 + 0.09 * rng.uniform()), 100),
              ts + rng.between(60, 6 * 3600));
        n += 2;
      }
    }
    f.close();
    summary.relationships["TRANSFERRED_TO"] = n;
  }

  summary.nodes = {{"Person", int64_t(nPerson)}, {"Organization", int64_t(nOrg)},
                   {"Location", int64_t(nLoc)},  {"Event", int64_t(nEvent)},
                   {"Document", int64_t(nDoc)},  {"Account", int64_t(nAccount)}};
  for (auto& [_, n] : summary.nodes) summary.total_nodes += n;
  for (auto& [_, n] : summary.relationships) summary.total_relationships += n;
  summary.max_transfer_in_degree = *std::max_element(transferIn.begin(), transferIn.end());
  summary.max_mentions_in_degree =
      std::max(*std::max_element(personMentions.begin(), personMentions.end()),
               *std::max_element(orgMentions.begin(), orgMentions.end()));
  summary.max_knows_degree = *std::max_element(knowsDegree.begin(), knowsDegree.end());

  // ---- schema.cypher ----
  {
    std::string text =
        "// Indexes for the benchmark data: every label's id, and the properties the\n"
        "// top-20 queries filter on. One statement per line.\n";
    const std::pair<const char*, const char*> kIndexes[] = {{"Person", "id"},
                                                            {"Organization", "id"},
                                                            {"Location", "id"},
                                                            {"Event", "id"},
                                                            {"Document", "id"},
                                                            {"Account", "id"},
                                                            {"Person", "name"},
                                                            {"Person", "nationality"},
                                                            {"Person", "risk_score"},
                                                            {"Organization", "name"},
                                                            {"Organization", "kind"},
                                                            {"Organization", "sanctioned"},
                                                            {"Location", "name"},
                                                            {"Location", "country"},
                                                            {"Event", "ts"},
                                                            {"Document", "classification"},
                                                            {"Document", "published_ts"},
                                                            {"Account", "flagged"}};
    for (auto [label, key] : kIndexes) {
      text += "CREATE INDEX " + lower(label) + "_" + key + " IF NOT EXISTS FOR (n:" + label +
              ") ON (n." + key + ");\n";
    }
    writeText(dir / "schema.cypher", text);
  }

  // ---- params.json ----
  {
    const size_t hubPerson = argMax(knowsDegree);
    const size_t leafPerson = firstWith(knowsDegree, 1);
    std::vector<int32_t> knowsOther = knowsDegree;
    knowsOther[hubPerson] = 0;
    const size_t hubPerson2 = argMax(knowsOther);
    const size_t leafPerson2 = firstWith(knowsDegree, 1, leafPerson);

    // Names: the most common full name, and one held by a single person.
    std::unordered_map<uint32_t, int32_t> nameCount;
    for (uint32_t n : personName) ++nameCount[n];
    uint32_t common = personName[0], rare = personName[0];
    for (uint32_t n : personName) {
      if (nameCount[n] > nameCount[common]) common = n;
    }
    for (uint32_t n : personName) {
      if (nameCount[n] == 1) {
        rare = n;
        break;
      }
    }
    auto fullName = [](uint32_t n) {
      return std::string(kFirstNames[n / 1000]) + " " + kLastNames[n % 1000];
    };

    const size_t hubOrg = argMax(orgEmployees);
    const size_t smallOrg = firstWith(orgEmployees, 2);
    const size_t hubEvent = argMax(eventAttendees);
    // A (person's employer, event) pair that has an answer at the small end.
    size_t leafOrg = smallOrg, leafEvent = firstWith(eventAttendees, 1);
    {
      int32_t best = INT32_MAX;
      for (auto [p, e] : attended) {
        if (employer[p] >= 0 && orgEmployees[employer[p]] < best) {
          best = orgEmployees[employer[p]];
          leafOrg = static_cast<size_t>(employer[p]);
          leafEvent = e;
        }
      }
    }

    std::vector<int32_t> natCount(kCountries.size(), 0);
    for (uint8_t n : nationality) ++natCount[n];
    const size_t rareNat = firstWith(natCount, 1);
    std::vector<int32_t> countryLocs(kCountries.size(), 0);
    for (uint8_t c : locCountry) ++countryLocs[c];
    const size_t rareCountry = firstWith(countryLocs, 1);

    const size_t hubAccount = argMax(transferIn);
    const size_t leafAccount = firstWith(transferIn, 1);
    const size_t hubMentioned = argMax(personMentions);
    const size_t leafMentioned = firstWith(personMentions, 1);
    const size_t hubMentionedOrg = argMax(orgMentions);
    // A leaf person co-mentioned with an organization in some document.
    size_t coPerson = leafMentioned, coOrg = hubMentionedOrg;
    for (auto [d, p] : personMentionEdges) {
      if (personMentions[p] <= 2 && docFirstOrg[d] >= 0) {
        coPerson = p;
        coOrg = static_cast<size_t>(docFirstOrg[d]);
        break;
      }
    }
    const size_t hubLoc = argMax(locEvents);
    const size_t leafLoc = firstWith(locEvents, 1);
    const size_t bigCity = argMax(locPersons);
    const size_t smallCity = firstWith(locPersons, 1);

    const int64_t lateTransfers = kTsEnd - 30 * kDay;
    const int64_t midTs = kTsStart + (kTsEnd - kTsStart) / 2;
    Json q = Json::object();
    q["q01_person_by_id"] = {paramCase("hub", {{"id", pid(hubPerson)}}),
                             paramCase("leaf", {{"id", pid(leafPerson)}})};
    q["q02_person_by_name"] = {paramCase("common", {{"name", fullName(common)}}),
                               paramCase("rare", {{"name", fullName(rare)}})};
    q["q03_contacts"] = {paramCase("hub", {{"id", pid(hubPerson)}}),
                         paramCase("leaf", {{"id", pid(leafPerson)}})};
    q["q04_friend_suggestions"] = {paramCase("hub", {{"id", pid(hubPerson)}}),
                                   paramCase("leaf", {{"id", pid(leafPerson)}})};
    q["q05_org_event_attendees"] = {
        paramCase("hub_org_hub_event", {{"org", orgName[hubOrg]}, {"ev", eid(hubEvent)}}),
        paramCase("hub_org_leaf_event", {{"org", orgName[hubOrg]}, {"ev", eid(leafEvent)}}),
        paramCase("leaf_org_hub_event", {{"org", orgName[leafOrg]}, {"ev", eid(hubEvent)}}),
        paramCase("leaf_org_leaf_event", {{"org", orgName[leafOrg]}, {"ev", eid(leafEvent)}})};
    q["q06_nationality_bank_contacts"] = {paramCase("common", {{"nat", kCountries[0]}}),
                                          paramCase("rare", {{"nat", kCountries[rareNat]}})};
    q["q07_large_transfers_in_window"] = {
        paramCase("wide_window_high_min",
                  {{"from", kTransferStart}, {"to", kTsEnd}, {"min", 5000.0}}),
        paramCase("narrow_window_low_min", {{"from", midTs}, {"to", midTs + kDay}, {"min", 0.0}})};
    q["q08_layering_into_flagged"] = {paramCase("narrow", {{"w", 3600}}),
                                      paramCase("wide", {{"w", 30 * kDay}})};
    q["q09_fan_in"] = {
        paramCase("hub", {{"hub", aid(hubAccount)}, {"from", kTransferStart}}),
        paramCase("leaf", {{"hub", aid(leafAccount)}, {"from", kTransferStart}}),
        paramCase("hub_recent", {{"hub", aid(hubAccount)}, {"from", lateTransfers}})};
    q["q10_co_mentions"] = {paramCase("hub", {{"id", pid(hubMentioned)}, {"from", kTsStart}}),
                            paramCase("leaf", {{"id", pid(leafMentioned)}, {"from", kTsStart}})};
    q["q11_documents_linking"] = {
        paramCase("hub", {{"a", pid(hubMentioned)}, {"o", oid(hubMentionedOrg)}}),
        paramCase("leaf", {{"a", pid(coPerson)}, {"o", oid(coOrg)}})};
    q["q12_shortest_path"] = {
        paramCase("hub_hub", {{"a", pid(hubPerson)}, {"b", pid(hubPerson2)}}),
        paramCase("leaf_hub", {{"a", pid(leafPerson)}, {"b", pid(hubPerson)}}),
        paramCase("leaf_leaf", {{"a", pid(leafPerson)}, {"b", pid(leafPerson2)}})};
    q["q13_colleague_pairs"] = {paramCase("hub", {{"org", oid(hubOrg)}}),
                                paramCase("leaf", {{"org", oid(smallOrg)}})};
    q["q14_people_by_place"] = {paramCase("common", {{"c", kCountries[0]}}),
                                paramCase("rare", {{"c", kCountries[rareCountry]}})};
    q["q15_event_attendance"] = {
        paramCase("hub_wide", {{"loc", lid(hubLoc)}, {"from", kTsStart}, {"to", kTsEnd}}),
        paramCase("hub_narrow", {{"loc", lid(hubLoc)}, {"from", midTs}, {"to", midTs + 30 * kDay}}),
        paramCase("leaf_wide", {{"loc", lid(leafLoc)}, {"from", kTsStart}, {"to", kTsEnd}})};
    q["q16_profile_card"] = {paramCase("hub", {{"id", pid(hubPerson)}}),
                             paramCase("leaf", {{"id", pid(leafPerson)}})};
    q["q17_risky_reach"] = {paramCase("hub", {{"id", pid(hubPerson)}}),
                            paramCase("leaf", {{"id", pid(leafPerson)}})};
    q["q18_sanctioned_flows"] = {paramCase("all_time", {{"from", kTransferStart}}),
                                 paramCase("recent", {{"from", lateTransfers}})};
    q["q19_secret_mentions_in_city"] = {
        paramCase("big_city", {{"city", placeName(bigCity)}, {"from", kTsStart}}),
        paramCase("small_city", {{"city", placeName(smallCity)}, {"from", kTsStart}})};
    q["q20_top_senders"] = {paramCase("all_time", {{"from", kTransferStart}}),
                            paramCase("recent", {{"from", lateTransfers}})};
    Json doc = {{"scale", S}, {"seed", seed}, {"queries", std::move(q)}};
    writeText(dir / "params.json", doc.dump(2) + "\n");
  }
  if (progress) progress(rows, rows);
  return summary;
}

}  // namespace maestro::tools
