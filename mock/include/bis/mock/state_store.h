#pragma once
// Where the mock's state survives a restart. Service keeps the live state in memory (State)
// and hands every change to its StateStore, which must have made it durable when commit()
// returns: Service answers the client only after that. Two implementations:
//   - the memory store (default): keeps nothing beyond the process;
//   - the SQLite store (--state FILE): WAL journal, one transaction per answer; a process
//     killed with SIGKILL after an answer loses nothing that answer acknowledged.
// Stores are used under Service's lock and need no locking of their own.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bis/common/expected.h"
#include "bis/common/fixtures.h"
#include "bis/mock/records.h"

namespace bis::mock {

using Status = Expected<std::monostate, std::string>;
inline Status ok_status() { return std::monostate{}; }

// A variant's inventory as changed through the control protocol (created or updated).
struct InventoryChange {
  std::string account;
  std::string variant;
  int64_t inventory = 0;
};

// An account's flow as changed through the control protocol; nullopt = removed.
struct FlowChange {
  std::string account;
  std::optional<fixtures::Flow> flow;
};

// A batch of a restock still waiting to go out (a flow with a batch size and an interval).
struct PendingBatchRecord {
  uint64_t restock = 0;  // batches of one restock share it
  int64_t batch = 0;     // 1-based
  std::string account;
  std::string variant;
  int64_t due_ms = 0;                   // Unix epoch milliseconds
  std::vector<uint64_t> subscriptions;  // ids, in notification order
};

// What one answer changed.
struct Changes {
  std::vector<Subscription> subscriptions;  // new
  std::vector<Event> events;                // new
  std::vector<Notification> notifications;  // new
  std::vector<uint64_t> cleared;            // subscriptions no longer active
  std::vector<ListMember> members;          // new or replaced
  std::vector<InventoryChange> inventory;
  std::vector<FlowChange> flows;
  // Set when the batches waiting changed: all of them now (replaces what the store had).
  std::optional<std::vector<PendingBatchRecord>> pending;
};

// Everything a store holds, in id order.
struct StoredState {
  std::vector<Subscription> subscriptions;
  std::vector<Event> events;
  std::vector<Notification> notifications;
  std::vector<ListMember> members;
  std::vector<InventoryChange> inventory;  // to apply over the fixtures, in order
  std::vector<FlowChange> flows;
  std::vector<PendingBatchRecord> pending;  // by due time
  // Digest of the fixtures the mock was started with when the store was last reset, and the
  // fixtures JSON installed since by PUT /__admin/fixtures (if any).
  std::optional<std::string> base_digest;
  std::optional<std::string> loaded_fixtures;
};

class StateStore {
 public:
  virtual ~StateStore() = default;

  // False for the memory store: Service then skips building Changes.
  virtual bool durable() const = 0;
  // "in memory" or the file's path, for the banner.
  virtual std::string describe() const = 0;
  virtual Expected<StoredState, std::string> load() = 0;
  // Writes all of `changes` in one transaction; returns once it is committed.
  virtual Status commit(const Changes& changes) = 0;
  // Forgets every record and catalog change (reset), and records which fixtures are loaded.
  virtual Status reset(const std::string& base_digest,
                       const std::optional<std::string>& loaded_fixtures) = 0;
  // The mock was started with other fixtures than the store was written with: forgets the
  // catalog changes and installed fixtures (they may not fit), keeps the records.
  virtual Status rebase(const std::string& base_digest) = 0;
};

std::unique_ptr<StateStore> make_memory_store();

// Opens or creates the SQLite state file. Fails with a message naming the file when it is
// not a bis-mock state file, has another schema version, or is in use by another process.
Expected<std::unique_ptr<StateStore>, std::string> open_sqlite_store(const std::string& path);

}  // namespace bis::mock
