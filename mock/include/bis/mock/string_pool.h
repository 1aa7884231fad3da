#pragma once
// Compact building blocks of the in-memory state: a pool that interns strings (each distinct
// string stored once, named by a 32-bit id) and an open-addressing index of 32-bit ids. They
// keep a million subscriptions in tens of megabytes instead of hundreds.
// Not thread-safe: State's owner serializes access.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bis::mock {

// A hash set of non-zero 32-bit ids whose keys live elsewhere: the caller gives the hash of
// the probe and a predicate telling whether an id has the probe's key. Each slot keeps 32
// bits of the key's hash beside the id, so a probe touches the keys (random memory) only
// when the hashes agree, and growing never re-hashes a key. Linear probing, load factor at
// most 0.7, never shrinks.
class IdIndex {
 public:
  template <class Eq>
  uint32_t find(size_t hash, Eq&& eq) const {
    if (slots_.empty()) return 0;
    const uint64_t fp = fingerprint(hash);
    const size_t mask = slots_.size() - 1;
    for (size_t i = fp & mask;; i = (i + 1) & mask) {
      const uint64_t slot = slots_[i];
      if (slot == 0) return 0;
      if ((slot >> 32) == fp && eq(static_cast<uint32_t>(slot))) return static_cast<uint32_t>(slot);
    }
  }

  // Puts `id` in place of the id with an equal key, or adds it.
  template <class Eq>
  void upsert(size_t hash, uint32_t id, Eq&& eq) {
    if ((count_ + 1) * 10 > slots_.size() * 7) grow();
    const uint64_t fp = fingerprint(hash);
    const size_t mask = slots_.size() - 1;
    for (size_t i = fp & mask;; i = (i + 1) & mask) {
      const uint64_t slot = slots_[i];
      if (slot == 0) {
        slots_[i] = fp << 32 | id;
        ++count_;
        return;
      }
      if ((slot >> 32) == fp && eq(static_cast<uint32_t>(slot))) {
        slots_[i] = fp << 32 | id;
        return;
      }
    }
  }

  size_t size() const { return count_; }
  size_t memory_bytes() const { return slots_.capacity() * sizeof(uint64_t); }
  void clear() {
    slots_.clear();
    slots_.shrink_to_fit();
    count_ = 0;
  }

 private:
  static uint64_t fingerprint(size_t hash) { return static_cast<uint32_t>(hash ^ (hash >> 32)); }

  void grow() {
    std::vector<uint64_t> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, 0);
    const size_t mask = slots_.size() - 1;
    for (uint64_t slot : old) {
      if (slot == 0) continue;
      size_t i = (slot >> 32) & mask;
      while (slots_[i] != 0) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }

  std::vector<uint64_t> slots_;
  size_t count_ = 0;
};

// Interned strings. Id 0 is the empty string. Views stay valid until the next intern() or
// clear() (the arena may move); ids stay valid until clear().
class StringPool {
 public:
  StringPool() { clear(); }

  uint32_t intern(std::string_view s);
  std::optional<uint32_t> find(std::string_view s) const;
  std::string_view view(uint32_t id) const {
    return std::string_view(data_).substr(offsets_[id], offsets_[id + 1] - offsets_[id]);
  }
  size_t size() const { return offsets_.size() - 1; }
  size_t memory_bytes() const;
  void clear();

 private:
  static size_t hash(std::string_view s);

  std::string data_;
  std::vector<uint32_t> offsets_;  // string `id` is data_[offsets_[id], offsets_[id + 1])
  IdIndex index_;                  // ids > 0
};

// A 64-bit mix of several ids (splitmix64 finalizer), for composite keys.
inline size_t mix_ids(uint64_t a, uint64_t b, uint64_t c) {
  uint64_t x = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull) * 0xBF58476D1CE4E5B9ull ^
               (c + 0x85157AF5ull) * 0x94D049BB133111EBull;
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  x ^= x >> 31;
  return static_cast<size_t>(x);
}

}  // namespace bis::mock
