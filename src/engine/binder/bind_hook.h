// BindHook — the engine's extension point between binding and planning.
//
// A feature above the engine (privacy: redaction by sensitivity and
// clearance, k-anonymity) implements this interface and passes it in
// QueryOptions. It receives the bound query and the dataset's catalog and
// may rewrite expressions (e.g. wrap property reads of high-sensitivity keys)
// or refuse the query with a maestro::Error. It must not keep references
// past the call. The engine calls it once per statement, after binding.
#pragma once

#include "engine/binder/bound_query.h"
#include "engine/catalog/catalog.h"

namespace maestro::engine {

class BindHook {
 public:
  virtual ~BindHook() = default;
  virtual void rewrite(BoundQuery& query, const Catalog& catalog) const = 0;
};

}  // namespace maestro::engine
