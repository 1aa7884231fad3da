#include "bis/mock/service_state.h"

#include <algorithm>
#include <cstdio>
#include <functional>

namespace bis::mock {

std::string digest(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

ServiceState::ServiceState(fixtures::Fixtures base, std::unique_ptr<StateStore> store_in,
                           ServiceOptions options_in)
    : options(std::move(options_in)),
      rules(request_rules(options.defects)),
      state_rules(mock::state_rules(options.defects)),
      store(std::move(store_in)),
      base_digest(digest(fixtures::to_json(base).dump())),
      loaded(std::move(base)),
      catalog(loaded),
      shards(std::make_unique<Shard[]>(kShards)) {
  rules.email.allow_unicode_domain = options.variations.has(Variation::kEmailUnicodeDomain);
  rules.email.allow_quoted_local = options.variations.has(Variation::kEmailQuotedLocal);
}

size_t ServiceState::shard_of(std::string_view profile) {
  return std::hash<std::string_view>{}(profile) % kShards;
}

Status ServiceState::commit(const Changes& c) {
  if (!store->durable()) return ok_status();
  std::lock_guard lock(store_mu);
  return store->commit(c);
}

Transaction::~Transaction() {
  if (!done_) roll_back();
}

void Transaction::on_rollback(std::function<void()> undo) {
  if (durable()) undo_.push_back(std::move(undo));
}

bool Transaction::join(const void* part, std::function<void(Changes&)> save) {
  if (!durable()) return false;
  for (const auto& p : parts_) {
    if (p.first == part) return false;
  }
  parts_.emplace_back(part, std::move(save));
  return true;
}

Status Transaction::commit() {
  done_ = true;
  if (!durable()) return ok_status();
  for (const auto& p : parts_) p.second(changes_);
  Status st = s_.commit(changes_);
  if (!st) roll_back();
  return st;
}

void Transaction::roll_back() {
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) (*it)();
  undo_.clear();
  done_ = true;
}

const fixtures::Flow* ServiceState::flow_of(const fixtures::Account& account) const {
  static const fixtures::Flow kDefaultFlow{};
  switch (state_rules.flow_check) {
    case StateRules::FlowCheck::kPrimary: {
      const auto& accounts = catalog.fixtures().accounts;
      const auto& flow = accounts.empty() ? account.flow : accounts.front().flow;
      return flow ? &*flow : nullptr;
    }
    case StateRules::FlowCheck::kMissingIsLive:
      return account.flow ? &*account.flow : &kDefaultFlow;
    default:
      return account.flow ? &*account.flow : nullptr;
  }
}

// Nobody is notified unless the account has a back-in-stock flow that is on.
bool ServiceState::flow_notifies(const fixtures::Account& account) const {
  if (state_rules.flow_check == StateRules::FlowCheck::kAlways) return true;
  const fixtures::Flow* flow = flow_of(account);
  return flow && (flow->enabled || state_rules.flow_check == StateRules::FlowCheck::kExists);
}

int64_t ServiceState::threshold_of(const fixtures::Account& account) const {
  const fixtures::Flow* flow = flow_of(account);
  return flow ? flow->threshold : 1;
}

std::vector<ServiceState::Target> ServiceState::active_for(std::string_view account,
                                                           std::string_view variant,
                                                           bool with_cleared) const {
  std::vector<Target> out;
  for (size_t i = 0; i < kShards; ++i) {
    const State& s = shards[i].state;
    for (State::Ref ref : s.active_for(account, variant, with_cleared))
      out.push_back(Target{i, ref, s.id_of(ref)});
  }
  std::sort(out.begin(), out.end(), [](const Target& a, const Target& b) { return a.id < b.id; });
  return out;
}

}  // namespace bis::mock
