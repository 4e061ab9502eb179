// The demo set-up of the README's main command: a DEMO database with generated sales data
// (PUBLIC.CUSTOMERS, PRODUCTS, ORDERS) and one demo agent. Idempotent.
#pragma once

#include "common/result.h"

namespace oc::store {
class Catalog;
class AgentRepo;
class SystemStore;
}  // namespace oc::store

namespace oc::cli {

Status EnsureDemo(store::SystemStore& store, store::Catalog& catalog, store::AgentRepo& agents);

}  // namespace oc::cli
