#include "server/http.h"

#include <algorithm>
#include <cctype>

#include "common/error.h"
#include "common/json.h"

namespace maestro::server {
namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

std::optional<std::string_view> Request::header(std::string_view name) const {
  // Names are stored lower-cased; comparing without case as well spares
  // callers a surprise when they spell a name the way the RFC does.
  for (const auto& [key, value] : headers) {
    if (equalsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> formDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = hexValue(text[i + 1]), lo = hexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::optional<std::vector<std::pair<std::string, std::string>>> parseQueryString(
    std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    auto name = formDecode(part.substr(0, eq));
    auto value = formDecode(eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1));
    if (!name || !value) return std::nullopt;
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

Response Response::json(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

Response Response::text(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

Response Response::error(int status, std::string_view code, std::string_view message) {
  Json body = {{"error", {{"code", code}, {"message", message}}}};
  // `replace`: a message may quote user input that is not valid UTF-8; the
  // error answer must still be produced rather than throw.
  return json(status, body.dump(-1, ' ', false, Json::error_handler_t::replace));
}

void Router::add(std::string method, std::string path, Handler handler) {
  bool prefix = !path.empty() && path.back() == '*';
  for (const auto& r : routes_) {
    if (r.method == method && r.path == path) {
      throw Error::internal("route " + method + " " + path + " is registered twice");
    }
  }
  routes_.push_back({std::move(method), std::move(path), prefix, std::move(handler)});
}

// Among the patterns that match the path, the most specific wins: an exact
// path first, then the longest prefix. If the most specific pattern has no
// route for the method, a less specific one that has is used (so "GET /a"
// and "POST /*" both work); only when no matching pattern accepts the method
// is the answer 405, listing every method the matching patterns accept.
Router::Match Router::match(std::string_view method, std::string_view path) const {
  auto specificity = [&](const Route& r) -> int {
    if (!r.prefix) return r.path == path ? static_cast<int>(r.path.size()) + 1 : -1;
    std::string_view stem(r.path.data(), r.path.size() - 1);
    return path.substr(0, stem.size()) == stem ? static_cast<int>(stem.size()) : -1;
  };

  Match result;
  result.route = "unmatched";
  int best_path = -1;    // specificity of the most specific matching pattern
  int best_method = -1;  // … of the most specific one that accepts `method`
  for (const auto& r : routes_) {
    int s = specificity(r);
    if (s < 0) continue;
    best_path = std::max(best_path, s);
    if (r.method == method && s > best_method) {
      best_method = s;
      result.handler = &r.handler;
      result.route = r.path;
    }
    if (std::find(result.allowed.begin(), result.allowed.end(), r.method) == result.allowed.end()) {
      result.allowed.push_back(r.method);
    }
  }
  if (result.handler) {
    result.allowed.clear();
  } else if (best_path >= 0) {
    // Route name of the most specific pattern, for metrics and logs.
    for (const auto& r : routes_) {
      if (specificity(r) == best_path) {
        result.route = r.path;
        break;
      }
    }
  }
  return result;
}

}  // namespace maestro::server
