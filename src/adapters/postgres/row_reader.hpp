#pragma once
// A pqxx::row read through the same calls as sqlite::Query, so the shared decoders in
// adapters/sql/row_decoders.hpp serve both adapters.
#include <cstdint>
#include <optional>
#include <string>

#include <pqxx/pqxx>

namespace st::adapters::postgres {

class RowReader {
 public:
  explicit RowReader(const pqxx::row& row) : row_(row) {}

  bool is_null(int c) const { return row_[c].is_null(); }
  std::int64_t int64(int c) const { return row_[c].as<std::int64_t>(); }
  int int32(int c) const { return row_[c].as<int>(); }
  bool flag(int c) const { return row_[c].as<bool>(); }
  std::string text(int c) const { return row_[c].as<std::string>(); }
  std::string bytes(int c) const { return pqxx::binarystring(row_[c]).str(); }  // a bytea
  std::optional<std::int64_t> opt_int64(int c) const { return opt<std::int64_t>(c); }
  std::optional<int> opt_int32(int c) const { return opt<int>(c); }
  std::optional<std::string> opt_text(int c) const { return opt<std::string>(c); }

 private:
  template <class T>
  std::optional<T> opt(int c) const {
    if (row_[c].is_null()) return std::nullopt;
    return row_[c].as<T>();
  }

  const pqxx::row& row_;
};

}  // namespace st::adapters::postgres
