#include "bis/mock/string_pool.h"

#include <functional>

namespace bis::mock {

size_t StringPool::hash(std::string_view s) { return std::hash<std::string_view>{}(s); }

uint32_t StringPool::intern(std::string_view s) {
  if (s.empty()) return 0;
  if (auto id = find(s)) return *id;
  const uint32_t id = static_cast<uint32_t>(offsets_.size() - 1);
  data_.append(s);
  offsets_.push_back(static_cast<uint32_t>(data_.size()));
  index_.upsert(hash(s), id, [](uint32_t) { return false; });
  return id;
}

std::optional<uint32_t> StringPool::find(std::string_view s) const {
  if (s.empty()) return 0;
  const uint32_t id = index_.find(hash(s), [&](uint32_t i) { return view(i) == s; });
  if (id == 0) return std::nullopt;
  return id;
}

size_t StringPool::memory_bytes() const {
  return data_.capacity() + offsets_.capacity() * sizeof(uint32_t) + index_.memory_bytes();
}

void StringPool::clear() {
  data_.clear();
  data_.shrink_to_fit();
  offsets_.assign(2, 0);  // id 0: the empty string
  offsets_.shrink_to_fit();
  index_.clear();
}

}  // namespace bis::mock
