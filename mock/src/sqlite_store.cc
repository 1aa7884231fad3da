// The SQLite state store (--state FILE). One table per record kind, a meta table for the
// schema version and the loaded fixtures. Journal mode WAL with synchronous=NORMAL: a commit
// has reached the operating system when commit() returns, so killing the process (even with
// SIGKILL) loses nothing acknowledged; only an operating-system crash or power loss can lose
// the last transactions. The file is locked exclusively while the mock runs.
#include <sqlite3.h>

#include <charconv>
#include <filesystem>
#include <string_view>
#include <utility>

#include "bis/common/file.h"
#include "bis/mock/state_store.h"

namespace bis::mock {
namespace {

// Version 2 added the path a record came through (via) and a subscription's channels.
constexpr int kSchemaVersion = 2;
constexpr const char* kFormat = "bis-mock-state";

// A version 1 file (before via and channels) gets the columns with their defaults: every
// record it holds came through the legacy paths, by email.
constexpr const char* kMigrate1To2 = R"sql(
ALTER TABLE subscriptions ADD COLUMN via TEXT NOT NULL DEFAULT 'legacy';
ALTER TABLE subscriptions ADD COLUMN channels INTEGER NOT NULL DEFAULT 1;
ALTER TABLE events ADD COLUMN via TEXT NOT NULL DEFAULT 'legacy';
)sql";

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS subscriptions(
  id INTEGER PRIMARY KEY, account TEXT NOT NULL, email TEXT NOT NULL, profile TEXT NOT NULL,
  variant TEXT NOT NULL, platform TEXT NOT NULL, store TEXT, created_ms INTEGER NOT NULL,
  active INTEGER NOT NULL, via TEXT NOT NULL DEFAULT 'legacy',
  channels INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS events(
  id INTEGER PRIMARY KEY, subscription INTEGER NOT NULL, account TEXT NOT NULL,
  email TEXT NOT NULL, profile TEXT NOT NULL, variant TEXT NOT NULL, platform TEXT NOT NULL,
  time_ms INTEGER NOT NULL, via TEXT NOT NULL DEFAULT 'legacy');
CREATE TABLE IF NOT EXISTS notifications(
  id INTEGER PRIMARY KEY, subscription INTEGER NOT NULL, account TEXT NOT NULL,
  email TEXT NOT NULL, profile TEXT NOT NULL, variant TEXT NOT NULL, batch INTEGER NOT NULL,
  sent_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS list_members(
  account TEXT NOT NULL, list TEXT NOT NULL, profile TEXT NOT NULL, email TEXT,
  phone_number TEXT, pending INTEGER NOT NULL, created_ms INTEGER NOT NULL,
  PRIMARY KEY(account, list, profile));
CREATE TABLE IF NOT EXISTS inventory(
  seq INTEGER PRIMARY KEY, account TEXT NOT NULL, variant TEXT NOT NULL, inventory INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS flows(
  seq INTEGER PRIMARY KEY, account TEXT NOT NULL, flow TEXT);
CREATE TABLE IF NOT EXISTS pending_batches(
  restock INTEGER NOT NULL, batch INTEGER NOT NULL, account TEXT NOT NULL,
  variant TEXT NOT NULL, due_ms INTEGER NOT NULL, subscriptions TEXT NOT NULL,
  PRIMARY KEY(restock, batch));
)sql";

// Subscription ids of a waiting batch, stored as "1,2,3".
std::string join_ids(const std::vector<uint64_t>& ids) {
  std::string out;
  for (uint64_t id : ids) {
    if (!out.empty()) out += ',';
    out += std::to_string(id);
  }
  return out;
}

std::optional<std::vector<uint64_t>> split_ids(std::string_view text) {
  std::vector<uint64_t> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view part = text.substr(0, comma);
    uint64_t id = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), id);
    if (ec != std::errc() || end != part.data() + part.size()) return std::nullopt;
    out.push_back(id);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return out;
}

class Stmt {
 public:
  Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(s_); }
  sqlite3_stmt** out() { return &s_; }
  sqlite3_stmt* get() const { return s_; }

  Stmt& text(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& text(int i, const std::string& v) { return text(i, std::string_view(v)); }
  Stmt& text(int i, const std::optional<std::string>& v) {
    if (v) return text(i, std::string_view(*v));
    sqlite3_bind_null(s_, i);
    return *this;
  }
  Stmt& integer(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  // Runs a statement that returns no rows, then resets it for the next use.
  int run() {
    const int rc = sqlite3_step(s_);
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
    return rc;
  }

 private:
  sqlite3_stmt* s_ = nullptr;
};

// Why a state file cannot be at `path` (a missing directory, a directory, a FIFO, no
// permission), or "" when SQLite may try it: it creates a missing file.
std::string unusable_path(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return unreadable_reason(path);
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  if (!std::filesystem::is_directory(dir, ec))
    return "the directory " + dir.string() + " does not exist";
  return "";
}

std::string column_text(sqlite3_stmt* s, int i) {
  const unsigned char* t = sqlite3_column_text(s, i);
  return t ? std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(s, i))
           : std::string();
}

std::optional<std::string> column_optional(sqlite3_stmt* s, int i) {
  if (sqlite3_column_type(s, i) == SQLITE_NULL) return std::nullopt;
  return column_text(s, i);
}

class SqliteStore final : public StateStore {
 public:
  explicit SqliteStore(std::string path) : path_(std::move(path)) {}
  ~SqliteStore() override {
    for (Stmt* s : {&insert_sub_, &insert_event_, &insert_ntf_, &clear_sub_, &put_member_,
                    &insert_inventory_, &insert_flow_, &clear_pending_, &insert_pending_}) {
      sqlite3_finalize(s->get());
      *s->out() = nullptr;
    }
    sqlite3_close(db_);
  }

  Status open() {
    // SQLite says only "unable to open database file": say which part of the path is wrong.
    if (std::string why = unusable_path(path_); !why.empty())
      return Unexpected{path_ + ": cannot open the state file: " + why};
    if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK) {
      return fail("open the state file");
    }
    // Exclusive locking: a second bis-mock on the same file fails at start instead of
    // silently diverging from this one.
    for (const char* pragma : {"PRAGMA locking_mode=EXCLUSIVE", "PRAGMA journal_mode=WAL",
                               "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=OFF"}) {
      if (auto s = exec(pragma); !s) return s;
    }
    if (auto s = exec("BEGIN IMMEDIATE"); !s) return s;
    if (auto s = check_format(); !s) {
      exec("ROLLBACK");
      return s;
    }
    if (auto s = exec(kSchema); !s) return s;
    if (auto s = exec("COMMIT"); !s) return s;
    return prepare_all();
  }

  bool durable() const override { return true; }
  std::string describe() const override { return path_; }

  Expected<StoredState, std::string> load() override {
    StoredState st;
    Stmt q;
    if (!prepare(q,
                 "SELECT id, account, email, profile, variant, platform, store, created_ms, active, "
                 "via, channels FROM subscriptions ORDER BY id")) {
      return Unexpected{error("read subscriptions")};
    }
    while (sqlite3_step(q.get()) == SQLITE_ROW) {
      Subscription s;
      s.id = sqlite3_column_int64(q.get(), 0);
      s.account = column_text(q.get(), 1);
      s.email = column_text(q.get(), 2);
      s.profile = column_text(q.get(), 3);
      s.variant = column_text(q.get(), 4);
      s.platform = column_text(q.get(), 5);
      s.store = column_optional(q.get(), 6);
      s.created_ms = sqlite3_column_int64(q.get(), 7);
      s.active = sqlite3_column_int(q.get(), 8) != 0;
      s.via = via_from_string(column_text(q.get(), 9)).value_or(Via::kLegacy);
      s.channels = static_cast<uint8_t>(sqlite3_column_int(q.get(), 10));
      st.subscriptions.push_back(std::move(s));
    }
    Stmt e;
    if (!prepare(e, "SELECT id, subscription, email, time_ms, via FROM events ORDER BY id")) {
      return Unexpected{error("read events")};
    }
    while (sqlite3_step(e.get()) == SQLITE_ROW) {
      Event ev;
      ev.id = sqlite3_column_int64(e.get(), 0);
      ev.subscription = sqlite3_column_int64(e.get(), 1);
      ev.email = column_text(e.get(), 2);
      ev.time_ms = sqlite3_column_int64(e.get(), 3);
      ev.via = via_from_string(column_text(e.get(), 4)).value_or(Via::kLegacy);
      st.events.push_back(std::move(ev));
    }
    Stmt n;
    if (!prepare(n, "SELECT id, subscription, batch, sent_ms FROM notifications ORDER BY id")) {
      return Unexpected{error("read notifications")};
    }
    while (sqlite3_step(n.get()) == SQLITE_ROW) {
      Notification nt;
      nt.id = sqlite3_column_int64(n.get(), 0);
      nt.subscription = sqlite3_column_int64(n.get(), 1);
      nt.batch = sqlite3_column_int64(n.get(), 2);
      nt.sent_ms = sqlite3_column_int64(n.get(), 3);
      st.notifications.push_back(std::move(nt));
    }
    Stmt m;
    if (!prepare(m,
                 "SELECT account, list, profile, email, phone_number, pending, created_ms "
                 "FROM list_members ORDER BY rowid")) {
      return Unexpected{error("read list members")};
    }
    while (sqlite3_step(m.get()) == SQLITE_ROW) {
      ListMember lm;
      lm.account = column_text(m.get(), 0);
      lm.list = column_text(m.get(), 1);
      lm.profile = column_text(m.get(), 2);
      lm.email = column_optional(m.get(), 3);
      lm.phone_number = column_optional(m.get(), 4);
      lm.pending = sqlite3_column_int(m.get(), 5) != 0;
      lm.created_ms = sqlite3_column_int64(m.get(), 6);
      st.members.push_back(std::move(lm));
    }
    Stmt inv;
    if (!prepare(inv, "SELECT account, variant, inventory FROM inventory ORDER BY seq")) {
      return Unexpected{error("read inventory")};
    }
    while (sqlite3_step(inv.get()) == SQLITE_ROW) {
      st.inventory.push_back(InventoryChange{column_text(inv.get(), 0), column_text(inv.get(), 1),
                                             sqlite3_column_int64(inv.get(), 2)});
    }
    Stmt fl;
    if (!prepare(fl, "SELECT account, flow FROM flows ORDER BY seq"))
      return Unexpected{error("read flows")};
    while (sqlite3_step(fl.get()) == SQLITE_ROW) {
      FlowChange fc;
      fc.account = column_text(fl.get(), 0);
      if (auto text = column_optional(fl.get(), 1)) {
        auto j = nlohmann::json::parse(*text, nullptr, false);
        auto flow = fixtures::flow_from_json(j);
        if (!flow)
          return Unexpected{path_ + ": stored flow of " + fc.account +
                            " is invalid: " + flow.error()};
        fc.flow = *flow;
      }
      st.flows.push_back(std::move(fc));
    }
    Stmt pb;
    if (!prepare(pb,
                 "SELECT restock, batch, account, variant, due_ms, subscriptions "
                 "FROM pending_batches ORDER BY due_ms, restock, batch")) {
      return Unexpected{error("read pending batches")};
    }
    while (sqlite3_step(pb.get()) == SQLITE_ROW) {
      PendingBatchRecord b;
      b.restock = static_cast<uint64_t>(sqlite3_column_int64(pb.get(), 0));
      b.batch = sqlite3_column_int64(pb.get(), 1);
      b.account = column_text(pb.get(), 2);
      b.variant = column_text(pb.get(), 3);
      b.due_ms = sqlite3_column_int64(pb.get(), 4);
      auto ids = split_ids(column_text(pb.get(), 5));
      if (!ids)
        return Unexpected{path_ + ": stored batch " + std::to_string(b.batch) + " of restock " +
                          std::to_string(b.restock) + " has invalid subscription ids"};
      b.subscriptions = std::move(*ids);
      st.pending.push_back(std::move(b));
    }
    st.base_digest = meta("base_digest");
    st.loaded_fixtures = meta("loaded_fixtures");
    return st;
  }

  Status commit(const Changes& c) override {
    if (auto s = exec("BEGIN"); !s) return s;
    bool ok = true;
    for (const Subscription& s : c.subscriptions) {
      ok = ok && insert_sub_.integer(1, static_cast<int64_t>(s.id))
                         .text(2, s.account)
                         .text(3, s.email)
                         .text(4, s.profile)
                         .text(5, s.variant)
                         .text(6, s.platform)
                         .text(7, s.store)
                         .integer(8, s.created_ms)
                         .integer(9, s.active ? 1 : 0)
                         .text(10, to_string(s.via))
                         .integer(11, s.channels)
                         .run() == SQLITE_DONE;
    }
    for (const Event& e : c.events) {
      ok = ok && insert_event_.integer(1, static_cast<int64_t>(e.id))
                         .integer(2, static_cast<int64_t>(e.subscription))
                         .text(3, e.account)
                         .text(4, e.email)
                         .text(5, e.profile)
                         .text(6, e.variant)
                         .text(7, e.platform)
                         .integer(8, e.time_ms)
                         .text(9, to_string(e.via))
                         .run() == SQLITE_DONE;
    }
    for (const Notification& n : c.notifications) {
      ok = ok && insert_ntf_.integer(1, static_cast<int64_t>(n.id))
                         .integer(2, static_cast<int64_t>(n.subscription))
                         .text(3, n.account)
                         .text(4, n.email)
                         .text(5, n.profile)
                         .text(6, n.variant)
                         .integer(7, n.batch)
                         .integer(8, n.sent_ms)
                         .run() == SQLITE_DONE;
    }
    for (uint64_t id : c.cleared)
      ok = ok && clear_sub_.integer(1, static_cast<int64_t>(id)).run() == SQLITE_DONE;
    for (const ListMember& m : c.members) {
      ok = ok && put_member_.text(1, m.account)
                         .text(2, m.list)
                         .text(3, m.profile)
                         .text(4, m.email)
                         .text(5, m.phone_number)
                         .integer(6, m.pending ? 1 : 0)
                         .integer(7, m.created_ms)
                         .run() == SQLITE_DONE;
    }
    for (const InventoryChange& i : c.inventory) {
      ok = ok &&
           insert_inventory_.text(1, i.account).text(2, i.variant).integer(3, i.inventory).run() ==
               SQLITE_DONE;
    }
    for (const FlowChange& f : c.flows) {
      std::optional<std::string> json;
      if (f.flow) json = fixtures::to_json(*f.flow).dump();
      ok = ok && insert_flow_.text(1, f.account).text(2, json).run() == SQLITE_DONE;
    }
    if (c.pending) {
      ok = ok && clear_pending_.run() == SQLITE_DONE;
      for (const PendingBatchRecord& b : *c.pending) {
        ok = ok && insert_pending_.integer(1, static_cast<int64_t>(b.restock))
                           .integer(2, b.batch)
                           .text(3, b.account)
                           .text(4, b.variant)
                           .integer(5, b.due_ms)
                           .text(6, join_ids(b.subscriptions))
                           .run() == SQLITE_DONE;
      }
    }
    if (!ok) {
      std::string why = error("write");
      exec("ROLLBACK");
      return Unexpected{why};
    }
    return exec("COMMIT");
  }

  Status reset(const std::string& base_digest,
               const std::optional<std::string>& loaded_fixtures) override {
    if (auto s = exec("BEGIN"); !s) return s;
    const char* clear =
        "DELETE FROM subscriptions; DELETE FROM events; DELETE FROM notifications; "
        "DELETE FROM list_members; DELETE FROM inventory; DELETE FROM flows; "
        "DELETE FROM pending_batches;";
    Status s = exec(clear);
    if (s) s = set_meta("base_digest", base_digest);
    if (s)
      s = loaded_fixtures ? set_meta("loaded_fixtures", *loaded_fixtures)
                          : exec("DELETE FROM meta WHERE key='loaded_fixtures'");
    if (!s) {
      exec("ROLLBACK");
      return s;
    }
    return exec("COMMIT");
  }

  Status rebase(const std::string& base_digest) override {
    if (auto s = exec("BEGIN"); !s) return s;
    Status s = exec(
        "DELETE FROM inventory; DELETE FROM flows; DELETE FROM meta WHERE key='loaded_fixtures';");
    if (s) s = set_meta("base_digest", base_digest);
    if (!s) {
      exec("ROLLBACK");
      return s;
    }
    return exec("COMMIT");
  }

 private:
  std::string error(std::string_view what) const {
    return path_ + ": cannot " + std::string(what) + ": " +
           (db_ ? sqlite3_errmsg(db_) : "out of memory");
  }
  Status fail(std::string_view what) const { return Unexpected{error(what)}; }

  Status exec(const char* sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
      std::string why = path_ + ": " + (msg ? msg : sqlite3_errmsg(db_));
      sqlite3_free(msg);
      if (sqlite3_errcode(db_) == SQLITE_BUSY || sqlite3_errcode(db_) == SQLITE_LOCKED) {
        why += " (is another bis-mock using this state file?)";
      }
      return Unexpected{why};
    }
    return ok_status();
  }

  bool prepare(Stmt& s, const char* sql) {
    return sqlite3_prepare_v2(db_, sql, -1, s.out(), nullptr) == SQLITE_OK;
  }

  std::optional<std::string> meta(const char* key) {
    Stmt q;
    if (!prepare(q, "SELECT value FROM meta WHERE key = ?1")) return std::nullopt;
    q.text(1, std::string_view(key));
    if (sqlite3_step(q.get()) != SQLITE_ROW) return std::nullopt;
    return column_text(q.get(), 0);
  }

  Status set_meta(const char* key, const std::string& value) {
    Stmt q;
    if (!prepare(q, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)"))
      return fail("write meta");
    if (q.text(1, std::string_view(key)).text(2, std::string_view(value)).run() != SQLITE_DONE) {
      return fail("write meta");
    }
    return ok_status();
  }

  // A new file gets the format marker; an existing one must carry it with our version.
  Status check_format() {
    Stmt tables;
    if (!prepare(tables, "SELECT count(*) FROM sqlite_master")) {
      return Unexpected{path_ + ": not a bis-mock state file (" + sqlite3_errmsg(db_) + ")"};
    }
    sqlite3_step(tables.get());
    const bool fresh = sqlite3_column_int(tables.get(), 0) == 0;
    if (fresh) {
      if (auto s = exec(kSchema); !s) return s;
      if (auto s = set_meta("format", kFormat); !s) return s;
      return set_meta("schema_version", std::to_string(kSchemaVersion));
    }
    const auto format = meta("format");
    if (!format || *format != kFormat) return Unexpected{path_ + ": not a bis-mock state file"};
    auto version = meta("schema_version");
    if (version && *version == "1") {
      if (auto s = exec(kMigrate1To2); !s) return s;
      if (auto s = set_meta("schema_version", std::to_string(kSchemaVersion)); !s) return s;
      version = std::to_string(kSchemaVersion);
    }
    if (!version || *version != std::to_string(kSchemaVersion)) {
      return Unexpected{path_ + ": state file has schema version " + version.value_or("?") +
                        "; this bis-mock reads version " + std::to_string(kSchemaVersion)};
    }
    return ok_status();
  }

  Status prepare_all() {
    const std::pair<Stmt*, const char*> all[] = {
        {&insert_sub_,
         "INSERT INTO subscriptions(id, account, email, profile, variant, platform, store, "
         "created_ms, active, via, channels) "
         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"},
        {&insert_event_,
         "INSERT INTO events(id, subscription, account, email, profile, variant, platform, "
         "time_ms, via) "
         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"},
        {&insert_ntf_,
         "INSERT INTO notifications(id, subscription, account, email, profile, variant, batch, "
         "sent_ms) "
         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
        {&clear_sub_, "UPDATE subscriptions SET active = 0 WHERE id = ?1"},
        {&put_member_,
         "INSERT OR REPLACE INTO list_members(account, list, profile, email, phone_number, "
         "pending, created_ms) "
         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
        {&insert_inventory_,
         "INSERT INTO inventory(account, variant, inventory) VALUES(?1, ?2, ?3)"},
        {&insert_flow_, "INSERT INTO flows(account, flow) VALUES(?1, ?2)"},
        {&clear_pending_, "DELETE FROM pending_batches"},
        {&insert_pending_,
         "INSERT INTO pending_batches(restock, batch, account, variant, due_ms, subscriptions) "
         "VALUES(?1, ?2, ?3, ?4, ?5, ?6)"},
    };
    for (const auto& [stmt, sql] : all) {
      if (!prepare(*stmt, sql)) return fail("prepare statements");
    }
    return ok_status();
  }

  std::string path_;
  sqlite3* db_ = nullptr;
  Stmt insert_sub_, insert_event_, insert_ntf_, clear_sub_, put_member_, insert_inventory_,
      insert_flow_, clear_pending_, insert_pending_;
};

}  // namespace

Expected<std::unique_ptr<StateStore>, std::string> open_sqlite_store(const std::string& path) {
  auto store = std::make_unique<SqliteStore>(path);
  if (auto s = store->open(); !s) return Unexpected{s.error()};
  return std::unique_ptr<StateStore>(std::move(store));
}

}  // namespace bis::mock
