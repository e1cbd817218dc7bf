#include "store/sql_text.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "common/error.h"

namespace maestro::store::internal {
namespace {

bool isIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Index just past the literal or comment starting at `i`, or `i` if none
// starts there. Unterminated ones run to the end, as the server would
// reject them anyway.
size_t skipQuoted(std::string_view sql, size_t i) {
  const size_t n = sql.size();
  const char c = sql[i];
  if (c == '\'') {
    // E'…' strings take backslash escapes; plain ones only double quotes.
    const bool escapes =
        i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !isIdentChar(sql[i - 2]));
    for (size_t j = i + 1; j < n; ++j) {
      if (escapes && sql[j] == '\\') {
        ++j;
      } else if (sql[j] == '\'') {
        if (j + 1 < n && sql[j + 1] == '\'') {
          ++j;
        } else {
          return j + 1;
        }
      }
    }
    return n;
  }
  if (c == '"') {
    for (size_t j = i + 1; j < n; ++j) {
      if (sql[j] == '"') {
        if (j + 1 < n && sql[j + 1] == '"') {
          ++j;
        } else {
          return j + 1;
        }
      }
    }
    return n;
  }
  if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
    size_t end = sql.find('\n', i);
    return end == std::string_view::npos ? n : end + 1;
  }
  if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
    int depth = 0;  // PostgreSQL block comments nest
    for (size_t j = i; j + 1 < n; ++j) {
      if (sql[j] == '/' && sql[j + 1] == '*') {
        ++depth;
        ++j;
      } else if (sql[j] == '*' && sql[j + 1] == '/') {
        ++j;
        if (--depth == 0) return j + 1;
      }
    }
    return n;
  }
  if (c == '$' && (i == 0 || !isIdentChar(sql[i - 1])) && i + 1 < n && !isDigit(sql[i + 1])) {
    // Dollar quoting: $$…$$ or $tag$…$tag$.
    size_t j = i + 1;
    while (j < n && sql[j] != '$' &&
           (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_')) {
      ++j;
    }
    if (j < n && sql[j] == '$') {
      std::string_view tag = sql.substr(i, j - i + 1);
      size_t close = sql.find(tag, j + 1);
      return close == std::string_view::npos ? n : close + tag.size();
    }
  }
  return i;
}

std::string percentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

void replaceAll(std::string& text, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (size_t pos = text.find(what); pos != std::string::npos;
       pos = text.find(what, pos + with.size())) {
    text.replace(pos, what.size(), with);
  }
}

}  // namespace

std::string sqlPreview(std::string_view sql) {
  constexpr size_t kMax = 80;
  std::string out;
  bool space = false;
  for (char c : sql) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    if (out.size() >= kMax) {
      out += "…";
      break;
    }
    out.push_back(c);
  }
  return out;
}

std::vector<int> scanParamNumbers(std::string_view sql) {
  std::vector<int> used;
  size_t i = 0;
  while (i < sql.size()) {
    size_t skipped = skipQuoted(sql, i);
    if (skipped != i) {
      i = skipped;
      continue;
    }
    if (sql[i] == '$' && (i == 0 || !isIdentChar(sql[i - 1])) && i + 1 < sql.size() &&
        isDigit(sql[i + 1])) {
      size_t j = i + 1;
      int64_t n = 0;
      while (j < sql.size() && isDigit(sql[j])) {
        n = std::min<int64_t>(n * 10 + (sql[j] - '0'), 1'000'000);
        ++j;
      }
      used.push_back(static_cast<int>(n));
      i = j;
      continue;
    }
    ++i;
  }
  std::sort(used.begin(), used.end());
  used.erase(std::unique(used.begin(), used.end()), used.end());
  return used;
}

int parseParamName(std::string_view name) {
  if (name.size() < 2 || name[0] != '$' || name[1] == '0' || name.size() > 8) return 0;
  int n = 0;
  for (char c : name.substr(1)) {
    if (!isDigit(c)) return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}

void checkParamNumbers(const std::vector<int>& used, size_t given, std::string_view description,
                       std::string_view sql) {
  const std::string where = "store " + std::string(description) + ": ";
  if (!used.empty() && used.front() < 1) {
    throw Error::internal(
        where + "SQL uses $0; parameters are numbered from $1 (in: " + sqlPreview(sql) + ")");
  }
  if (!used.empty() && static_cast<size_t>(used.back()) > given) {
    throw Error::internal(where + "SQL uses $" + std::to_string(used.back()) + " but only " +
                          std::to_string(given) +
                          " parameter(s) were given (in: " + sqlPreview(sql) + ")");
  }
  if (used.size() != given) {
    // Some $k in 1..given is not used: name the first one.
    size_t k = 1;
    while (k <= used.size() && used[k - 1] == static_cast<int>(k)) ++k;
    throw Error::internal(where + std::to_string(given) + " parameter(s) were given but the SQL " +
                          "does not use $" + std::to_string(k) + " (in: " + sqlPreview(sql) + ")");
  }
}

void checkTextParams(const Params& params, std::string_view description) {
  for (size_t i = 0; i < params.size(); ++i) {
    if (auto* s = std::get_if<std::string>(&params[i].value());
        s && std::memchr(s->data(), '\0', s->size()) != nullptr) {
      throw Error::badInput("store " + std::string(description) + ": text parameter $" +
                            std::to_string(i + 1) + " contains a NUL character");
    }
  }
}

std::vector<std::pair<size_t, size_t>> secretRanges(std::string_view uri) {
  std::vector<std::pair<size_t, size_t>> ranges;
  // scheme://user:password@host — take the last '@' before the query, so a
  // password with an unencoded '@' or '/' is still covered whole.
  if (size_t p = uri.find("://"); p != std::string_view::npos) {
    const size_t start = p + 3;
    size_t end = uri.find_first_of("?#", start);
    if (end == std::string_view::npos) end = uri.size();
    size_t at = end > start ? uri.rfind('@', end - 1) : std::string_view::npos;
    if (at != std::string_view::npos && at >= start) {
      size_t colon = uri.find(':', start);
      if (colon < at) ranges.emplace_back(colon + 1, at - colon - 1);
    }
  }
  // password=… as a URI query parameter or in keyword/value form.
  std::string lower(uri);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  constexpr std::string_view kKey = "password";
  for (size_t k = lower.find(kKey); k != std::string::npos; k = lower.find(kKey, k + 1)) {
    if (k > 0 && std::strchr("?&; \t\r\n", lower[k - 1]) == nullptr) continue;
    size_t j = k + kKey.size();
    while (j < uri.size() && (uri[j] == ' ' || uri[j] == '\t')) ++j;
    if (j >= uri.size() || uri[j] != '=') continue;
    ++j;
    while (j < uri.size() && (uri[j] == ' ' || uri[j] == '\t')) ++j;
    size_t begin = j;
    size_t end = j;
    if (j < uri.size() && uri[j] == '\'') {
      begin = end = j + 1;
      while (end < uri.size() && uri[end] != '\'') end += uri[end] == '\\' ? 2 : 1;
      end = std::min(end, uri.size());
    } else {
      while (end < uri.size() && std::strchr("&# \t\r\n", uri[end]) == nullptr) ++end;
    }
    if (end > begin) ranges.emplace_back(begin, end - begin);
  }
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<size_t, size_t>> merged;
  for (auto r : ranges) {
    if (!merged.empty() && r.first < merged.back().first + merged.back().second) continue;
    merged.push_back(r);
  }
  return merged;
}

std::string scrubSecrets(std::string message, std::string_view uri) {
  for (auto [offset, length] : secretRanges(uri)) {
    std::string_view raw = uri.substr(offset, length);
    if (raw.size() < 3) continue;
    replaceAll(message, raw, "***");
    std::string decoded = percentDecode(raw);
    if (decoded.size() >= 3) replaceAll(message, decoded, "***");
  }
  return message;
}

}  // namespace maestro::store::internal
