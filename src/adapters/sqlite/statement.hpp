#pragma once
// Thin RAII layer over sqlite3_stmt: a prepared Statement (owned, finalized on destruction)
// and a Query, one use of it (bind, step, read columns, then reset on scope exit).
#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace st::adapters::sqlite {

// Any failure reported by SQLite. `code()` is the extended result code.
class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& what);
  int code() const { return code_; }

 private:
  int code_;
};

// Throws SqliteError with the connection's error message and `context` (usually the SQL).
[[noreturn]] void throw_sqlite_error(sqlite3* db, int rc, std::string_view context);

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  sqlite3_stmt* handle() const { return stmt_; }
  sqlite3* db() const { return db_; }
  // Set while a Query is using this statement, so a re-entrant use of the same SQL on the
  // same connection gets a fresh statement instead of clobbering the active one.
  bool in_use = false;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Query {
 public:
  // Borrows a cached statement (marks it in use until this Query is gone).
  explicit Query(Statement& cached);
  // Owns a one-off statement.
  explicit Query(std::unique_ptr<Statement> owned);
  Query(Query&& other) noexcept;
  Query& operator=(Query&&) = delete;
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  ~Query();

  // Parameters are 1-based, as in SQLite. Text is copied (SQLITE_TRANSIENT), so temporaries
  // are safe to bind.
  template <std::integral T>
  Query& bind(int index, T value) {
    return bind_int64(index, static_cast<std::int64_t>(value));
  }
  template <std::floating_point T>
  Query& bind(int index, T value) {
    return bind_double(index, static_cast<double>(value));
  }
  Query& bind(int index, std::string_view value);
  Query& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Query& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Query& bind(int index, std::nullopt_t) { return bind_null(index); }
  template <class T>
  Query& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }
  // Binds the arguments to parameters 1..n.
  template <class... Args>
  Query& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  // Advances to the next row: true when one is available, false when done. Throws on error.
  bool step();
  // Steps to completion; for statements whose rows (if any) are not needed.
  void run();
  // Steps through every row, each decoded by `decode(const Query&)` (a row decoder such as
  // sql::ticket_from_row<Query>), in order.
  template <class Decode>
  auto rows(Decode&& decode) {
    std::vector<std::decay_t<std::invoke_result_t<Decode&, const Query&>>> out;
    while (step()) out.push_back(decode(*this));
    return out;
  }
  // The first row, decoded by `decode(const Query&)`; nullopt when there is none.
  template <class Decode>
  auto first_row(Decode&& decode)
      -> std::optional<std::decay_t<std::invoke_result_t<Decode&, const Query&>>> {
    if (!step()) return std::nullopt;
    return decode(*this);
  }

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  int int32(int column) const;
  bool flag(int column) const { return int64(column) != 0; }  // a 0/1 INTEGER column
  double real(int column) const;
  std::string text(int column) const;
  // Any bytes, NULs included (text() keeps them too: it reads the stored length).
  std::string bytes(int column) const { return text(column); }
  std::optional<std::int64_t> opt_int64(int column) const;
  std::optional<int> opt_int32(int column) const;
  std::optional<double> opt_real(int column) const;
  std::optional<std::string> opt_text(int column) const;

 private:
  Query& bind_int64(int index, std::int64_t value);
  Query& bind_double(int index, double value);
  Query& bind_null(int index);
  void check_bind(int rc);

  Statement* stmt_;
  std::unique_ptr<Statement> owned_;
};

}  // namespace st::adapters::sqlite
