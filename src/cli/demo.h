// The demo set-up of the README's main command: a DEMO database with generated sales data
// (PUBLIC.CUSTOMERS, PRODUCTS, ORDERS, POLICIES) and one demo agent. Idempotent.
#pragma once

#include "common/result.h"

namespace oc::store {
class Catalog;
class AgentRepo;
class SystemStore;
}  // namespace oc::store

namespace oc::tools::search {
class SearchRegistry;
}  // namespace oc::tools::search

namespace oc::cli {

// A semantic model in @DEMO.PUBLIC.MODELS/sales.yaml, the POLICY_SEARCH search service over
// PUBLIC.POLICIES, and the SALES_ASSISTANT agent using both.
Status EnsureDemo(store::SystemStore& store, store::Catalog& catalog, store::AgentRepo& agents,
                  tools::search::SearchRegistry& search);

}  // namespace oc::cli
