#include "api/api.h"

#include <mutex>
#include <unordered_map>

#include "api/context.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/encoding.h"
#include "common/error.h"
#include "features/blueprint/blueprints.h"
#include "features/planner/budgets.h"
#include "features/planner/planner_control.h"
#include "platform/platform.h"

namespace maestro::api {
namespace {

// Apollo's automatic persisted queries: a client sends the SHA-256 of its
// document; the first time (or after PERSISTED_QUERY_NOT_FOUND) it sends the
// document with the hash, which registers it. Documents live in the control
// store, so every server process knows them, behind a bounded memory cache.
class PersistedQueries {
 public:
  explicit PersistedQueries(store::Store& control) : control_(control) {
    control_.migrate("api", migrations());
  }

  static std::span<const store::Migration> migrations() {
    static const store::Migration kMigrations[] = {
        {1, "automatic persisted queries", R"sql(
CREATE TABLE graphql_documents (
  sha256 TEXT PRIMARY KEY,
  document TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
)sql"},
    };
    return kMigrations;
  }

  std::optional<std::string> find(const std::string& hash) {
    {
      std::lock_guard lock(mutex_);
      if (auto it = cache_.find(hash); it != cache_.end()) return it->second;
    }
    auto row = control_.acquire()->queryOne("SELECT document FROM graphql_documents WHERE sha256 = $1",
                                            {hash});
    if (!row) return std::nullopt;
    remember(hash, row->text(0));
    return row->text(0);
  }

  void add(const std::string& hash, const std::string& document, int64_t now_ms) {
    control_.acquire()->execute(
        "INSERT INTO graphql_documents (sha256, document, created_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (sha256) DO NOTHING",
        {hash, document, now_ms});
    remember(hash, document);
  }

 private:
  void remember(const std::string& hash, const std::string& document) {
    std::lock_guard lock(mutex_);
    if (cache_.size() >= 1024) cache_.clear();
    cache_.emplace(hash, document);
  }

  store::Store& control_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::string> cache_;
};

graphql::Response requestError(std::string message, std::string code) {
  graphql::Response r;
  r.outcome = graphql::Response::Outcome::kRequestError;
  graphql::GraphQLError e;
  e.message = std::move(message);
  e.code = std::move(code);
  r.errors.push_back(std::move(e));
  return r;
}

}  // namespace

extern const char kSchemaSdl[];

std::string_view schemaSdl() { return kSchemaSdl; }

struct Api::Impl {
  Impl(platform::Platform& p, ApiOptions o)
      : platform(p), options(o), persisted(p.control()), planner(p), budgets(p) {}

  platform::Platform& platform;
  ApiOptions options;
  PersistedQueries persisted;
  planner::PlannerControl planner;
  planner::Budgets budgets;
  std::shared_ptr<const graphql::ExecutableSchema> schema;
  std::unique_ptr<blueprint::Blueprints> own_blueprints;
};

Api::Api(platform::Platform& platform, ApiOptions options)
    : impl_(std::make_unique<Impl>(platform, options)) {
  graphql::SchemaBuilder b(schemaSdl(), "schema.graphql");
  bindScalars(b);
  bindAuthDirective(b, platform);
  bindPlatformResolvers(b, platform);
  bindGraphResolvers(b, platform, impl_->planner, impl_->budgets);
  bindPlannerResolvers(b, platform, impl_->planner, impl_->budgets);
  blueprint::Blueprints* blueprints = options.blueprints;
  if (blueprints == nullptr) {
    impl_->own_blueprints = std::make_unique<blueprint::Blueprints>(platform);
    blueprints = impl_->own_blueprints.get();
  }
  bindBlueprintResolvers(b, platform, *blueprints);
  impl_->schema = b.build();
}

Api::~Api() = default;

const graphql::ExecutableSchema& Api::schema() const { return *impl_->schema; }

graphql::Response Api::execute(const ApiRequest& request) {
  RequestContext rc{impl_->platform, std::nullopt, {}};
  if (request.bearer_token) {
    try {
      rc.principal = auth::Principal::fromClaims(impl_->platform.verifier().verify(*request.bearer_token));
    } catch (const Error& e) {
      rc.token_problem = e.message();
    }
  }

  std::string document = request.query;
  const Json* apq = nullptr;
  if (request.extensions.is_object()) {
    if (auto it = request.extensions.find("persistedQuery"); it != request.extensions.end()) {
      apq = &*it;
    }
  }
  if (apq != nullptr) {
    if (!apq->is_object() || apq->value("version", 0) != 1 || !apq->contains("sha256Hash") ||
        !(*apq)["sha256Hash"].is_string()) {
      return requestError(
          "extensions.persistedQuery: expected {\"version\": 1, \"sha256Hash\": \"<hex>\"}",
          "PERSISTED_QUERY_NOT_SUPPORTED");
    }
    std::string hash = (*apq)["sha256Hash"].get<std::string>();
    if (document.empty()) {
      auto known = impl_->persisted.find(hash);
      if (!known) return requestError("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND");
      document = std::move(*known);
    } else {
      if (hexEncode(crypto::sha256(document)) != hash) {
        return requestError("extensions.persistedQuery.sha256Hash does not match the query",
                            "BAD_USER_INPUT");
      }
      // Only valid documents of authenticated callers are kept, so that
      // anonymous traffic cannot fill the store.
      if (rc.principal && graphql::validate(*impl_->schema, document, impl_->options.limits).empty()) {
        impl_->persisted.add(hash, document, impl_->platform.clock().nowMillis());
      }
    }
  }

  graphql::Request gr;
  gr.query = document;
  gr.operation_name = request.operation_name;
  gr.variables = request.variables.is_null() ? Json::object() : request.variables;
  gr.context = static_cast<const RequestContext*>(&rc);
  gr.allow_mutations = request.allow_mutations;
  gr.limits = impl_->options.limits;
  return graphql::execute(*impl_->schema, gr);
}

}  // namespace maestro::api
