#include "bis/mock/state_store.h"

namespace bis::mock {
namespace {

class MemoryStore final : public StateStore {
 public:
  bool durable() const override { return false; }
  std::string describe() const override { return "in memory"; }
  Expected<StoredState, std::string> load() override { return StoredState{}; }
  Status commit(const Changes&) override { return ok_status(); }
  Status reset(const std::string&, const std::optional<std::string>&) override {
    return ok_status();
  }
  Status rebase(const std::string&) override { return ok_status(); }
};

}  // namespace

std::unique_ptr<StateStore> make_memory_store() { return std::make_unique<MemoryStore>(); }

}  // namespace bis::mock
